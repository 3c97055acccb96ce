import sys

from voxdesk.cli import main

sys.exit(main())
