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


def _digest(obj):
    text = json.dumps(obj, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _read_record(path):
    """A folder's provenance record; ``{}`` for a file that is no JSON (cut short)."""
    with open(path) as f:
        try:
            return json.load(f)
        except json.JSONDecodeError:
            return {}


def producer_record(cfg):
    """What decides a test run's outputs besides the checkpoint.

    The model config (labeller and its thresholds included), the test dataset (root,
    prefixes, pipeline) and, for each input folder of its ``data_prefix`` (e.g.
    ``cam_path``), a digest of the checkpoint and producer its own ``.provenance.json``
    names: CAMs written
    again by another checkpoint change the producer of the labels made from them.
    """
    dataset = cfg.test_dataloader.dataset
    dataset = dataset.to_dict() if hasattr(dataset, 'to_dict') else dict(dataset)
    model = cfg.model.to_dict() if hasattr(cfg.model, 'to_dict') else dict(cfg.model)
    root = dataset.get('data_root') or ''
    inputs = {}
    for key, prefix in sorted((dataset.get('data_prefix') or {}).items()):
        if not prefix:
            continue
        folder = prefix if osp.isabs(prefix) else osp.join(root, prefix)
        record = osp.join(folder, PROVENANCE)
        inputs[key] = None
        if osp.isfile(record):
            made = _read_record(record)
            # the checkpoint and settings that wrote it, not where they were run from
            inputs[key] = _digest([made.get('sha256'), made.get('producer')])
    return dict(producer=_digest(dict(model=model, dataset=dataset, inputs=inputs)),
                inputs=inputs)


def claim_output_dirs(dirs, checkpoint, config, redo=False, write=True, producer=None):
    """Checks / records that ``checkpoint`` (with ``config``) writes ``dirs``.

    A folder whose ``.provenance.json`` names another checkpoint sha256, or another
    producer (``producer``: :func:`producer_record`, the model and dataset settings
    and the input folders' records), raises ``ValueError`` naming both, unless
    ``redo``: then the folder is emptied. ``write``
    (rank 0 only, in a distributed run) writes the record and removes the temp files
    of writes killed in an earlier run (before the run writes). Returns the record.
    """
    record = dict(checkpoint=osp.abspath(checkpoint), sha256=file_sha256(checkpoint),
                  config=osp.abspath(config) if config else None, **(producer or {}))
    for d in dirs:
        path = osp.join(d, PROVENANCE)
        if osp.exists(path):
            old = _read_record(path)
            other_producer = (old.get('producer') and record.get('producer')
                              and old['producer'] != record['producer'])
            if other_producer and old.get('sha256') == record['sha256'] and not redo:
                raise ValueError(
                    f'{d} was written by the same checkpoint with other settings or '
                    f'inputs (model / dataset config, or the input folders were written '
                    f'again: recorded inputs {old.get("inputs")}, now '
                    f'{record.get("inputs")}). Its files would be a mix of both: pass '
                    '--redo to empty it and write it again, or choose another output '
                    'folder.')
            if old.get('sha256') != record['sha256'] or other_producer:
                if not redo:
                    raise ValueError(
                        f'{d} was written by another checkpoint ({old.get("checkpoint")}, '
                        f'sha256 {old.get("sha256")}, config {old.get("config")}); this run '
                        f'uses {record["checkpoint"]} (sha256 {record["sha256"]}). Its '
                        'files would be a mix of both: pass --redo to empty it and write '
                        'it again, or choose another output folder.')
                if write:
                    shutil.rmtree(d)
        elif osp.isdir(d) and any(not n.startswith('.') for n in os.listdir(d)):
            if not redo:
                raise ValueError(
                    f'{d} holds files but no {PROVENANCE} (written before mmirn '
                    'recorded what produced its outputs, or by another tool): this run '
                    'cannot tell whether they are its own. Pass --redo to empty it and '
                    'write it again, or choose another output folder.')
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
