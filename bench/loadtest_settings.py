"""The project's settings with the static files collected into a temporary folder.

Only for bench/loadtest.sh: everything else comes from kramfors_styr.settings
and the environment, as in production.
"""

import os

from kramfors_styr.settings import *  # noqa: F403

STATIC_ROOT = os.environ["LOADTEST_STATIC_ROOT"]
