"""Which checkpoint wrote an output folder (CAMs, pseudo labels).

``tools/test.py`` writes ``.provenance.json`` into every folder it fills (the
``out_dirs`` of ``default_hooks.writer``, a ``PredictionWriterHook``) before it runs: the checkpoint's
path and sha256 and the config. A later run into the same folder with a different
checkpoint would leave a mix of old and new files (the label steps skip nothing, but an
image the new run does not reach keeps its old file), so it is refused unless asked to
redo, which empties the folder first.
"""
import hashlib
import json
import os
import os.path as osp
import shutil

from .file_faults import name_path_in_os_errors, remove_temp_files

PROVENANCE = '.provenance.json'  # hidden: globs of the folder's files skip it


def file_sha256(path, chunk=1 << 20):
    digest = hashlib.sha256()
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(chunk), b''):
            digest.update(block)
    return digest.hexdigest()


def output_dirs(cfg):
    """The folders a test run of ``cfg`` writes: those of its ``PredictionWriterHook``."""
    writer = (cfg.get('default_hooks') or {}).get('writer') or {}
    dirs = [d for d in (writer.get('out_dirs') or {}).values() if d]
    out = []
    for d in dirs:
        d = osp.abspath(d)
        if d not in out:
            out.append(d)
    return out


def claim_output_dirs(dirs, checkpoint, config, redo=False, write=True):
    """Checks / records that ``checkpoint`` (with ``config``) writes ``dirs``.

    A folder whose ``.provenance.json`` names another checkpoint sha256 raises
    ``ValueError`` naming both, unless ``redo``: then the folder is emptied. ``write``
    (rank 0 only, in a distributed run) writes the record and removes the temp files
    of writes killed in an earlier run (before the run writes). Returns the record.
    """
    record = dict(checkpoint=osp.abspath(checkpoint), sha256=file_sha256(checkpoint),
                  config=osp.abspath(config) if config else None)
    for d in dirs:
        path = osp.join(d, PROVENANCE)
        if osp.exists(path):
            with open(path) as f:
                try:
                    old = json.load(f)
                except json.JSONDecodeError:
                    old = {}
            if old.get('sha256') != record['sha256']:
                if not redo:
                    raise ValueError(
                        f'{d} was written by another checkpoint ({old.get("checkpoint")}, '
                        f'sha256 {old.get("sha256")}, config {old.get("config")}); this run '
                        f'uses {record["checkpoint"]} (sha256 {record["sha256"]}). Its '
                        'files would be a mix of both: pass --redo to empty it and write '
                        'it again, or choose another output folder.')
                if write:
                    shutil.rmtree(d)
        if write:
            os.makedirs(d, exist_ok=True)
            remove_temp_files(d)  # of writes killed in an earlier run
            tmp = path + '.tmp'
            with name_path_in_os_errors(tmp), open(tmp, 'w') as f:
                json.dump(record, f, indent=2)
            os.replace(tmp, path)
    return record
