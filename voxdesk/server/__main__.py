"""``python -m voxdesk.server``: the same as ``voxdesk server``."""

import sys

from voxdesk.server.cli import main

if __name__ == "__main__":  # spawned analysis workers import this module too
    sys.exit(main())
