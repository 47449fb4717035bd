# DeepLab v2 (ASPP-v2 sum head) on a ResNet-18-d8 from scratch, CPU-sized, trained
# on the toy IRN semantic pseudo labels; twin: ..._gt.py (same model, GT masks).
# Toy departures from the VOC config (SGD on an ImageNet ResNet-101), for 2 CPU cores
# without pretrained weights: the toy CAM classifier's
# quarter-width ResNet-18 (16 stem / base channels) and its optimiser (AdamW 1e-3,
# short warm-up, poly). A full-width R18 with SGD 0.01 ran at 0.9 s/iter and was
# still underfit after 250 iterations (val mIoU 44 on GT, foreground IoUs ~30),
# which ranked CAM-only labels above IRN's; this one runs at ~0.08 s/iter.
_base_ = [
    './_base_/deeplabv2_r50-d8.py', './_base_/toyvoc_seg.py',
    'mmseg::_base_/default_runtime.py', 'mmseg::_base_/schedules/schedule_20k.py'
]
norm_cfg = dict(type='BN', requires_grad=True)
model = dict(
    data_preprocessor=dict(size=_base_.crop_size),
    pretrained=None,
    backbone=dict(
        type='ResNetV1c',
        depth=18,
        stem_channels=16,
        base_channels=16,
        norm_cfg=norm_cfg,
        init_cfg=None),
    decode_head=dict(in_channels=128, num_classes=6))
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(_delete_=True, type='AdamW', lr=1e-3, weight_decay=1e-4),
    clip_grad=None)
max_iters = 2000
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=False, begin=0, end=50),
    dict(type='PolyLR', eta_min=0.0, power=0.9, begin=0, end=max_iters,
         by_epoch=False)
]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters,
                 val_interval=max_iters)
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=50, log_metric_by_epoch=False),
    checkpoint=dict(type='CheckpointHook', by_epoch=False,
                    interval=500, max_keep_ckpts=1))
