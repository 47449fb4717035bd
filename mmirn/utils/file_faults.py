"""Temp files left by killed writes, and OS errors that name their file."""
import contextlib
import os
import os.path as osp
import re
from typing import List, Optional

# The temp-file names of mmirn's atomic writers, and only those:
# ``.<name>.<8 random chars>.tmp[.<ext>]`` (``atomic_write``, from ``mkstemp``),
# ``.<name>.pth.tmp`` (``AtomicCheckpointHook``) and ``.provenance.json.tmp``.
TEMP_FILE = re.compile(r'^\.(?P<name>.+?)(\.[a-z0-9_]{8}\.tmp(\.[A-Za-z0-9]+)?'
                       r'|(?<=\.pth)\.tmp|(?<=^\.provenance\.json)\.tmp)$')


def temp_file_target(name: str) -> Optional[str]:
    """The file a temp file of mmirn's atomic writers was to become, or None when
    ``name`` is no such temp file."""
    m = TEMP_FILE.match(name)
    return m.group('name') if m else None


def remove_temp_files(directory: str, name: Optional[str] = None) -> List[str]:
    """Remove the temp files a killed atomic write left in ``directory``.

    Only the directory itself is looked at (not its sub-folders), and only the
    temp-file names of mmirn's writers (``TEMP_FILE``). Call it before the run writes
    there (another writer's temp file in flight would be lost).

    Args:
        directory (str): The folder.
        name (str, optional): Only the temp files of this file name. Defaults to None
            (all).

    Returns:
        list[str]: The removed paths.
    """
    if not osp.isdir(directory):
        return []
    removed = []
    for entry in sorted(os.listdir(directory)):
        target = temp_file_target(entry)
        path = osp.join(directory, entry)
        if target is None or (name is not None and target != name):
            continue
        if osp.isfile(path) and not osp.islink(path):
            with contextlib.suppress(FileNotFoundError):
                os.remove(path)
                removed.append(path)
    return removed


@contextlib.contextmanager
def name_path_in_os_errors(path: str):
    """Re-raise an ``OSError`` that names no file (a full disk: ``ENOSPC`` from
    ``write``) as the same error naming ``path``."""
    try:
        yield
    except OSError as e:
        if e.filename is not None or e.errno is None:
            raise
        raise type(e)(e.errno, e.strerror or str(e), path) from e
