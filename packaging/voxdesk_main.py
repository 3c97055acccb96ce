"""The bundle's entry point (PyInstaller runs this file as ``__main__``).

``freeze_support`` first: the local server's analysis pools spawn workers, and in a
bundle a spawned worker is this same executable with multiprocessing's arguments, which
must run the worker and never the app. Then the bundled flite (``flite/`` beside the
bundle's libraries) goes first on PATH, for the telephony simulator.
"""

import multiprocessing
import os
import sys

multiprocessing.freeze_support()

_bundle = getattr(sys, "_MEIPASS", os.path.dirname(os.path.abspath(__file__)))
os.environ["PATH"] = os.pathsep.join([os.path.join(_bundle, "flite"), os.environ.get("PATH", "")])

from voxdesk.cli import main  # noqa: E402

sys.exit(main())
