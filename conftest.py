# Lets tests import the helpers in `tests/` (e.g. `from tests.utils import ...`) with
# pytest's importlib import mode, whatever the working directory.
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.abspath(__file__)))


import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _restore_default_scope():
    """A Runner or a build in the mmseg / mmdet scope (stage-3 configs) leaves that scope as
    mmengine's current one; later tests that build without a scope expect mmirn's."""
    yield
    from mmengine.registry import DefaultScope
    current = DefaultScope.get_current_instance()
    if current is not None and current.scope_name != 'mmirn':
        DefaultScope.get_instance(f'mmirn-restored-{id(current)}', scope_name='mmirn')
