# Copyright (c) mmirn contributors. All rights reserved.
"""Writing the files of the toy benchmarks, each atomically."""
import json
import os.path as osp

from PIL import Image

from mmirn.pseudo.cam_io import atomic_write

# The generator's arguments; written last, so that its presence (with the same
# arguments) marks a complete output.
META_FILE = 'toy_meta.json'


def write_bytes(path, data):
    """Write ``data`` (bytes) to ``path`` atomically."""
    atomic_write(path, lambda f: f.write(data))


def write_jpeg(path, img):
    """Write a uint8 HxWx3 RGB image as a JPEG (quality 92), atomically."""
    atomic_write(
        path, lambda f: Image.fromarray(img).save(f, format='JPEG', quality=92))


def write_json(path, obj, **kwargs):
    """Write ``obj`` as JSON (``kwargs`` go to :func:`json.dumps`)."""
    write_bytes(path, json.dumps(obj, **kwargs).encode())


def read_meta(out_dir):
    """The :data:`META_FILE` of ``out_dir``, or None when it is missing or
    cannot be parsed (an output that is to be written again)."""
    path = osp.join(out_dir, META_FILE)
    if not osp.isfile(path):
        return None
    with open(path) as f:
        try:
            return json.load(f)
        except json.JSONDecodeError:
            return None
