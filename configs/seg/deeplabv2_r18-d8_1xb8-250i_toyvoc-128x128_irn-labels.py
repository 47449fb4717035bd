# DeepLab v2 (ASPP-v2 sum head) on a ResNet-18-d8 from scratch, CPU-sized, trained
# on the toy IRN semantic pseudo labels; twin: ..._gt.py (same model, GT masks).
_base_ = [
    './_base_/deeplabv2_r50-d8.py', './_base_/toyvoc_seg.py',
    'mmseg::_base_/default_runtime.py', 'mmseg::_base_/schedules/schedule_20k.py'
]
norm_cfg = dict(type='BN', requires_grad=True)
model = dict(
    data_preprocessor=dict(size=_base_.crop_size),
    pretrained=None,
    backbone=dict(
        type='ResNetV1c', depth=18, norm_cfg=norm_cfg, init_cfg=None),
    decode_head=dict(in_channels=512, num_classes=6))
optimizer = dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=0.0005)
optim_wrapper = dict(type='OptimWrapper', optimizer=optimizer, clip_grad=None)
# Measured on the toy data (GT twin, 128x128 crops, batch 8, 2 CPU cores shared with
# other jobs): 0.53-0.78 s/iter in quiet stretches, 1.3-2.0 s/iter under load, 0.91
# s/iter on average over a whole 250-iteration run; that run took 4 min 5 s from the
# command to the val mIoU (228 s training, 11 s val, ~6 s start-up) and reached
# val mIoU 44.3 (40 iterations: 23.9). 2000 iterations would be ~30 min per model.
max_iters = 250
param_scheduler = [
    dict(type='PolyLR', eta_min=1e-4, power=0.9, begin=0, end=max_iters,
         by_epoch=False)
]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters,
                 val_interval=max_iters)
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=50, log_metric_by_epoch=False),
    checkpoint=dict(type='CheckpointHook', by_epoch=False,
                    interval=max_iters, max_keep_ckpts=1))
