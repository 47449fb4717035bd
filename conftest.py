# Lets tests import the helpers in `tests/` (e.g. `from tests.utils import ...`) with
# pytest's importlib import mode, whatever the working directory.
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.abspath(__file__)))
