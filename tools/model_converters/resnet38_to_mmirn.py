"""Convert PSA's ResNet-38 checkpoints to mmirn's ``WideResNet38`` key names.

PSA (Ahn and Kwak, CVPR18) publishes PyTorch state dicts of its ResNet-38
networks: the classifier (``res38_cls.pth``: backbone + ``fc8``) and
AffinityNet (``res38_aff.pth``: backbone + ``f8_3``, ``f8_4``, ``f8_5``,
``f9``). Their backbone keys name blocks ``b2``, ``b2_1``, ... ``b7`` with
``bn_branch2a``, ``conv_branch2a``, ``bn_branch2b1``, ``conv_branch2b1``,
``bn_branch2b2``, ``conv_branch2b2``, ``conv_branch1``, plus ``conv1a`` and
``bn7``. The ImageNet initialisation PSA starts from ships as an MXNet
``.params`` file; load it with PSA's own MXNet-to-PyTorch renaming (it yields
the same key names) and save it with ``torch.save`` first. Nothing is
downloaded here.

This script writes an mmengine-style checkpoint (``{'state_dict': ...}``)
with the keys of mmirn's models:

- backbone: ``backbone.stem``, ``backbone.stages.<s>.<b>.{bn1,conv1,bn2,
  conv2,bn3,conv3,shortcut}``, ``backbone.norm_out``;
- ``fc8`` -> ``cam_head.classifier`` (``CAMClassifier`` with ``CAMHead``);
- ``f8_3``/``f8_4``/``f8_5``/``f9`` -> ``decode_head.reduce_convs.{0,1,2}.conv``
  / ``decode_head.fuse_conv.conv`` (``AffinityNet`` with ``AffinityHead``).

Use the result as ``load_from`` or as ``init_cfg=dict(type='Pretrained',
checkpoint=..., prefix='backbone.')`` of the backbone.

Example::

    python tools/model_converters/resnet38_to_mmirn.py res38_cls.pth \\
        pretrain/res38_cls_mmirn.pth
"""
import argparse
import os
import os.path as osp
import re
from collections import OrderedDict

import torch

# PSA block name -> (stage index, block index)
_STAGES = {2: 0, 3: 1, 4: 2, 5: 3, 6: 4, 7: 5}
_LAYERS = {
    'bn_branch2a': 'bn1',
    'conv_branch2a': 'conv1',
    'bn_branch2b1': 'bn2',
    'conv_branch2b1': 'conv2',
    'bn_branch2b2': 'bn3',
    'conv_branch2b2': 'conv3',
    'conv_branch1': 'shortcut',
}
_HEADS = {
    'fc8': 'cam_head.classifier',
    'f8_3': 'decode_head.reduce_convs.0.conv',
    'f8_4': 'decode_head.reduce_convs.1.conv',
    'f8_5': 'decode_head.reduce_convs.2.conv',
    'f9': 'decode_head.fuse_conv.conv',
}
_BLOCK = re.compile(r'^b(\d)(?:_(\d))?\.(\w+)\.(\w+)$')


def convert_key(key: str) -> str:
    """The mmirn name of one PSA state-dict key.

    Args:
        key (str): A PSA key, e.g. ``'b4_5.bn_branch2a.running_mean'``.

    Returns:
        str: The mmirn key, e.g.
        ``'backbone.stages.2.5.bn1.running_mean'``.

    Raises:
        KeyError: For a key that is not part of PSA's ResNet-38 networks.
    """
    key = key[len('module.'):] if key.startswith('module.') else key
    head, _, param = key.rpartition('.')
    if head == 'conv1a':
        return f'backbone.stem.{param}'
    if head == 'bn7':
        return f'backbone.norm_out.{param}'
    if head in _HEADS:
        return f'{_HEADS[head]}.{param}'
    match = _BLOCK.match(key)
    if match is None or int(match.group(1)) not in _STAGES or \
            match.group(3) not in _LAYERS:
        raise KeyError(f'not a PSA ResNet-38 key: {key}')
    stage = _STAGES[int(match.group(1))]
    block = int(match.group(2) or 0)
    return (f'backbone.stages.{stage}.{block}.'
            f'{_LAYERS[match.group(3)]}.{match.group(4)}')


def convert(state_dict: dict) -> OrderedDict:
    """Rename every key of a PSA ResNet-38 state dict (see :func:`convert_key`).

    ``num_batches_tracked`` entries are kept under their new names too.
    """
    return OrderedDict(
        (convert_key(k), v) for k, v in state_dict.items())


def main():
    parser = argparse.ArgumentParser(
        description='Convert PSA ResNet-38 weights to mmirn key names')
    parser.add_argument('src', help='PSA PyTorch checkpoint (.pth)')
    parser.add_argument('dst', help='output checkpoint')
    args = parser.parse_args()
    checkpoint = torch.load(args.src, map_location='cpu', weights_only=True)
    state_dict = checkpoint.get('state_dict', checkpoint)
    converted = convert(state_dict)
    os.makedirs(osp.dirname(osp.abspath(args.dst)), exist_ok=True)
    torch.save(dict(state_dict=converted), args.dst)
    print(f'{len(converted)} tensors written to {args.dst}')


if __name__ == '__main__':
    main()
