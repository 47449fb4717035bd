# Copyright (c) mmirn contributors. All rights reserved.
"""Synthetic toy benchmarks in the PASCAL VOC 2012 and COCO 2014 layouts.

:mod:`.voc_writer` and :mod:`.coco_writer` write the datasets; one image is
drawn by :func:`make_sample` from a background photo (:mod:`.photos`), object
shapes (:mod:`.shapes`), class textures (:mod:`.textures`) and painting
(:mod:`.paint`).
"""
from . import coco_writer, voc_writer
from .grid import make_grid
from .scene import make_sample

__all__ = ['coco_writer', 'voc_writer', 'make_grid', 'make_sample']
