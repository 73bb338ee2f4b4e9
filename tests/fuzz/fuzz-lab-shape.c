// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer target: the lab's --path parser (lab_shape_parse), which takes
 * what users type. Checks what it promises: on error nothing changed; on
 * success the values are in range and jitter is at most the delay. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lab-paths.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lab_shape shapes[LAB_PATHS_MAX], before[LAB_PATHS_MAX];
	char *spec = malloc(size + 1);
	int paths, ret;

	if (!spec || size == 0) {
		free(spec);
		return 0;
	}
	paths = 1 + data[0] % LAB_PATHS_MAX;
	memcpy(spec, data + 1, size - 1);
	spec[size - 1] = '\0';
	memset(shapes, 0, sizeof(shapes));
	memcpy(before, shapes, sizeof(shapes));
	ret = lab_shape_parse(spec, paths, shapes);
	if (ret < 0 && memcmp(before, shapes, sizeof(shapes)))
		abort();
	for (int k = 0; ret == 0 && k < LAB_PATHS_MAX; k++) {
		for (int d = 0; d < 2; d++) {
			const struct lab_shape *s = &shapes[k];

			if (s->rate_kbit[d] && (s->rate_kbit[d] < LAB_RATE_MIN_KBIT ||
						s->rate_kbit[d] > LAB_RATE_MAX_KBIT))
				abort();
			if (s->delay_us[d] < 0 || s->delay_us[d] > LAB_DELAY_MAX_US ||
			    s->jitter_us[d] < 0 || s->jitter_us[d] > s->delay_us[d] ||
			    s->loss_ppm[d] < 0 || s->loss_ppm[d] > LAB_LOSS_MAX_PPM)
				abort();
		}
	}
	free(spec);
	return 0;
}
