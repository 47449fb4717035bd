"""Counts of degenerate predictions (all-zero CAMs, no foreground, no instance).

Each output folder of :class:`PredictionWriterHook` holds, per rank, an append-only
log ``.degenerate.rank<r>.jsonl``: one line ``{"id": ..., "degenerate": ...}`` per
image, written just before the image's last file in that folder, so that every image
a killed run finished is in a log and a resumed run, which skips it, still counts it.
After the test loop rank 0 merges the logs into ``.degenerate.json``:
``{"kind": ..., "images": n, "count": n, "ids": [...]}``.
"""
import glob
import json
import os.path as osp
from typing import Dict, Optional

import numpy as np
import torch

from mmirn.pseudo.cam_io import atomic_write
from mmirn.utils.file_faults import name_path_in_os_errors

# the kind of degenerate image of each output
KINDS = dict(cams='cams_all_zero', sem='sem_no_foreground', ins='ins_empty')
SUMMARY = '.degenerate.json'
IGNORE = 255


def cams_all_zero(cams: torch.Tensor) -> bool:
    """No positive CAM value (or no class): the labels are all background."""
    return not bool((cams > 0).any())


def no_foreground(label: np.ndarray) -> bool:
    """No pixel of a foreground class (0 is background, 255 ignore)."""
    return not bool(((label > 0) & (label != IGNORE)).any())


def no_instance(scores, score_thr: float = 0.) -> bool:
    """No instance scoring above ``score_thr`` (none in the COCO file)."""
    return not any(float(s) > score_thr for s in scores)


class DegenerateLog:
    """The degenerate-image log of one output folder, for one rank."""

    def __init__(self, folder: str, kind: str, rank: int) -> None:
        self.folder = folder
        self.kind = kind
        self.path = osp.join(folder, f'.degenerate.rank{rank}.jsonl')
        self._file = None

    def record(self, img_id: str, degenerate: bool) -> None:
        with name_path_in_os_errors(self.path):
            if self._file is None:
                self._file = open(self.path, 'ab+')  # writes go to the end
                if self._file.tell() > 0:  # end a line a kill cut
                    self._file.seek(-1, 2)
                    if self._file.read(1) != b'\n':
                        self._file.write(b'\n')
            line = json.dumps(dict(id=img_id, degenerate=degenerate)) + '\n'
            self._file.write(line.encode())
            self._file.flush()  # a killed process loses nothing the OS has

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


def read_logs(folder: str) -> Dict[str, bool]:
    """The latest verdict per image of every rank's log in ``folder`` (a line cut
    by a kill is skipped)."""
    verdicts = {}
    for path in sorted(glob.glob(osp.join(folder, '.degenerate.rank*.jsonl'))):
        with open(path) as f:
            for line in f:
                try:
                    entry = json.loads(line)
                except json.JSONDecodeError:
                    continue
                verdicts[entry['id']] = bool(entry['degenerate'])
    return verdicts


def write_summary(folder: str, kind: str) -> dict:
    """Merge the logs of ``folder`` into its ``.degenerate.json``; return it."""
    verdicts = read_logs(folder)
    ids = sorted(i for i, d in verdicts.items() if d)
    summary = dict(kind=kind, images=len(verdicts), count=len(ids), ids=ids)
    atomic_write(osp.join(folder, SUMMARY),
                 lambda f: f.write(json.dumps(summary, indent=1).encode()))
    return summary


def read_summary(folder: str) -> Optional[dict]:
    """The ``.degenerate.json`` of a folder, or None."""
    path = osp.join(folder, SUMMARY)
    if not osp.isfile(path):
        return None
    with open(path) as f:
        return json.load(f)
