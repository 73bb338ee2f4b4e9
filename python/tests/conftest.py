# SPDX-License-Identifier: LGPL-2.1-or-later
"""Run the binding from the tree against a build's libmptcpkit: MPK_BUILD
(or ../../build) names the build directory unless MPTCPKIT_LIBRARY is set.
The namespace tests (test_netns.py) read their namespaces from MPK_NS_*,
which tests/netns/13-python.sh sets."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
BUILD = os.environ.get("MPK_BUILD", os.path.join(TOP, "build"))
os.environ.setdefault("MPTCPKIT_LIBRARY", os.path.join(BUILD, "lib", "libmptcpkit.so.1"))
if os.environ.get("MPK_PYTHON_INSTALLED") != "1":
    sys.path.insert(0, os.path.join(TOP, "python"))
