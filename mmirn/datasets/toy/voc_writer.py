# Copyright (c) mmirn contributors. All rights reserved.
"""Write the toy benchmark in the exact PASCAL VOC 2012 layout.

Each image shows 2-5 objects of 1-3 classes on a crop of a real photo that
scikit-image or scikit-learn ships. The object body (shape, colour, shading)
is drawn from one distribution shared by all classes; the class is told only
by a high-contrast texture (the *cue*) that covers 25-45 % of the object. A
classifier's CAM therefore fires on the cue part only, the way CAMs fire on
the most discriminative part of real objects, and propagation has the rest of
the body to recover. Same-class instances often touch each other, which is
what IRN's displacement field has to separate. The classes are those of
:class:`~mmirn.datasets.ToyVOCClsDataset`.

Layout written under ``out_dir`` (a ``VOC2012``-like root)::

    JPEGImages/{name}.jpg
    SegmentationClass/{name}.png     palette PNG, 0 bg, class i -> i + 1
    SegmentationObject/{name}.png    palette PNG, instance ids 1..K, 0 bg
    Annotations/{name}.xml           VOC XML, one object per instance
    ImageSets/Segmentation/{train,val,trainval}.txt
    ImageSets/Main/{train,val,trainval}.txt, {class}_{split}.txt
    classes.txt                      one foreground class name per line
    toy_meta.json                    the arguments; written last

The output is deterministic: each image is seeded from (seed, split, index),
so any number of workers gives byte-identical files. Running again with the
same arguments on a complete output returns at once.
"""
import multiprocessing
import os
import os.path as osp
import re
import sys
import xml.etree.ElementTree as ET

from mmengine.utils import ProgressBar

from mmirn.pseudo.semantic import save_png
from mmirn.utils import remove_temp_files
from ..voc import ToyVOCClsDataset
from .files import META_FILE, read_meta, write_bytes, write_jpeg, write_json
from .photos import load_photos, photo_paths
from .scene import make_sample
from .textures import CUE_COLOURS

CLASSES = ToyVOCClsDataset.METAINFO['classes'][1:]  # the foreground classes
# Class c is drawn with texture CUES[c][0] in ink CUES[c][1].
CUES = tuple((name, CUE_COLOURS[name]) for name in CLASSES)
# Bump when the generated content changes, so that old outputs are rebuilt.
GENERATOR_VERSION = 2
SPLITS = ('train', 'val')
# Per-image outputs: folder -> file extension.
IMAGE_DIRS = dict(JPEGImages='jpg', SegmentationClass='png',
                  SegmentationObject='png', Annotations='xml')
LIST_DIRS = ('ImageSets/Segmentation', 'ImageSets/Main')


def voc_xml(name, h, w, objects):
    """Serialise one image's annotation as PASCAL VOC XML bytes."""
    root = ET.Element('annotation')
    ET.SubElement(root, 'folder').text = 'VOC2012'
    ET.SubElement(root, 'filename').text = f'{name}.jpg'
    source = ET.SubElement(root, 'source')
    ET.SubElement(source, 'database').text = 'mmirn toy VOC'
    size = ET.SubElement(root, 'size')
    ET.SubElement(size, 'width').text = str(w)
    ET.SubElement(size, 'height').text = str(h)
    ET.SubElement(size, 'depth').text = '3'
    ET.SubElement(root, 'segmented').text = '1'
    for obj in objects:
        node = ET.SubElement(root, 'object')
        ET.SubElement(node, 'name').text = CLASSES[obj['label']]
        ET.SubElement(node, 'pose').text = 'Unspecified'
        ET.SubElement(node, 'truncated').text = str(obj['truncated'])
        ET.SubElement(node, 'difficult').text = '0'
        box = ET.SubElement(node, 'bndbox')
        for key, val in zip(('xmin', 'ymin', 'xmax', 'ymax'), obj['bbox']):
            ET.SubElement(box, key).text = str(val)
    ET.indent(root, space='\t')
    return ET.tostring(root, encoding='utf-8') + b'\n'




def sample_name(split, index):
    """File stem of image ``index`` of ``split``, e.g. ``train_00012``."""
    return f'{split}_{index:05d}'


def _generate_one(job):
    """Worker: generate and write one image; returns (split, name, labels)."""
    out_dir, split, index, opts = job
    sample = make_sample(CUES, opts['seed'], SPLITS.index(split), index,
                         opts['min_size'], opts['max_size'],
                         opts['void_border'])
    name = sample_name(split, index)
    h, w = sample['sem_seg'].shape
    write_jpeg(osp.join(out_dir, 'JPEGImages', f'{name}.jpg'), sample['img'])
    save_png(sample['sem_seg'],
             osp.join(out_dir, 'SegmentationClass', f'{name}.png'))
    save_png(sample['inst_seg'],
             osp.join(out_dir, 'SegmentationObject', f'{name}.png'))
    write_bytes(osp.join(out_dir, 'Annotations', f'{name}.xml'),
                voc_xml(name, h, w, sample['objects']))
    return split, name, sorted({o['label'] for o in sample['objects']})


def _meta(num_train, num_val, seed, min_size, max_size, void_border):
    return dict(
        generator_version=GENERATOR_VERSION, num_train=num_train,
        num_val=num_val, seed=seed, min_size=min_size, max_size=max_size,
        void_border=void_border, classes=list(CLASSES),
        backgrounds=[name for name, _ in photo_paths()])


def is_complete(out_dir, meta):
    """Whether ``out_dir`` holds a full dataset made with ``meta``."""
    if read_meta(out_dir) != meta:
        return False
    for split, num in zip(SPLITS, (meta['num_train'], meta['num_val'])):
        if not osp.isfile(
                osp.join(out_dir, 'ImageSets', 'Segmentation',
                         f'{split}.txt')):
            return False
        for i in range(num):
            name = sample_name(split, i)
            for sub, ext in IMAGE_DIRS.items():
                if not osp.isfile(osp.join(out_dir, sub, f'{name}.{ext}')):
                    return False
    return True


def generate(out_dir, num_train=400, num_val=100, seed=0, min_size=160,
             max_size=256, void_border=0, workers=2, verbose=True):
    """Write the toy dataset to ``out_dir`` (skipped if already complete).

    Args:
        out_dir (str): Root to write (``VOC2012``-like).
        num_train (int): Number of train images. Defaults to 400.
        num_val (int): Number of val images. Defaults to 100.
        seed (int): Dataset seed. Defaults to 0.
        min_size (int): Smallest image side. Defaults to 160.
        max_size (int): Largest image side. Defaults to 256.
        void_border (int): Void band width on outlines. Defaults to 0.
        workers (int): Worker processes; 0 or 1 runs in-process.
            Defaults to 2.
        verbose (bool): Show progress (with an ETA). Defaults to True.

    Returns:
        bool: True if images were generated, False if the output was
        already complete and nothing was written.
    """
    assert 16 <= min_size <= max_size, 'need 16 <= min_size <= max_size'
    meta = _meta(num_train, num_val, seed, min_size, max_size, void_border)
    if is_complete(out_dir, meta):
        if verbose:
            print(f'[make_toy_voc] {out_dir} is complete, skipping')
        return False
    meta_file = osp.join(out_dir, META_FILE)
    if osp.exists(meta_file):
        os.remove(meta_file)  # incomplete or stale until rewritten at the end
    for sub in ('', *IMAGE_DIRS, *LIST_DIRS):
        os.makedirs(osp.join(out_dir, sub), exist_ok=True)
        remove_temp_files(osp.join(out_dir, sub))  # of a killed run
    opts = dict(seed=seed, min_size=min_size, max_size=max_size,
                void_border=void_border)
    jobs = [(out_dir, split, i, opts)
            for split, num in zip(SPLITS, (num_train, num_val))
            for i in range(num)]
    load_photos()  # once here; forked workers inherit them
    results = []
    if workers > 1:
        pool = multiprocessing.get_context().Pool(workers)
        it = pool.imap(_generate_one, jobs, chunksize=4)
    else:
        pool, it = None, map(_generate_one, jobs)
    progress = ProgressBar(len(jobs), file=sys.stdout) if verbose else None
    try:
        for res in it:
            results.append(res)
            if progress is not None:
                progress.update()
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    if progress is not None:
        print(flush=True)  # end the progress bar's line
    _remove_stale(out_dir, {name for _, name, _ in results})
    _write_lists(out_dir, results)
    write_bytes(osp.join(out_dir, 'classes.txt'),
                ''.join(f'{c}\n' for c in CLASSES).encode())
    write_json(meta_file, meta, indent=2)
    return True


def _remove_stale(out_dir, names):
    """Delete our images left by an earlier, larger run."""
    pattern = re.compile(r'^(train|val)_\d{5}\.(jpg|png|xml)$')
    for sub in IMAGE_DIRS:
        for fname in os.listdir(osp.join(out_dir, sub)):
            if pattern.match(fname) and osp.splitext(fname)[0] not in names:
                os.remove(osp.join(out_dir, sub, fname))


def _write_lists(out_dir, results):
    """Write ImageSets/Segmentation and ImageSets/Main split files."""
    names = {split: [n for s, n, _ in results if s == split]
             for split in SPLITS}
    names['trainval'] = names['train'] + names['val']
    labels = {n: lbl for _, n, lbl in results}
    for split, split_names in names.items():
        text = ''.join(f'{n}\n' for n in split_names).encode()
        for sub in LIST_DIRS:
            write_bytes(osp.join(out_dir, sub, f'{split}.txt'), text)
        for c, cls in enumerate(CLASSES):
            lines = ''.join(f'{n} {1 if c in labels[n] else -1:2d}\n'
                            for n in split_names)
            write_bytes(
                osp.join(out_dir, 'ImageSets', 'Main', f'{cls}_{split}.txt'),
                lines.encode())
