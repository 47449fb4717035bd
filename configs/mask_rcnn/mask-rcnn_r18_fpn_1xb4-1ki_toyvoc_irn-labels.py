# Stock mmdet Mask R-CNN (ResNet-18 FPN from scratch, CPU-sized) on the toy IRN
# instance pseudo labels (COCO JSON with RLE masks), evaluated on val GT
# converted by tools/dataset_converters/instance_pngs_to_coco.py.
# Twin: ..._gt.py (train split GT instances).
_base_ = [
    'mmdet::_base_/models/mask-rcnn_r50_fpn.py', './_base_/toyvoc_instance.py',
    'mmdet::_base_/schedules/schedule_1x.py', 'mmdet::_base_/default_runtime.py'
]
model = dict(
    backbone=dict(depth=18, init_cfg=None, norm_cfg=dict(type='BN')),
    neck=dict(in_channels=[64, 128, 256, 512]),
    roi_head=dict(
        bbox_head=dict(num_classes=len(_base_.classes)),
        mask_head=dict(num_classes=len(_base_.classes))))
max_iters = 1000
train_cfg = dict(_delete_=True, type='IterBasedTrainLoop', max_iters=max_iters,
                 val_interval=max_iters)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.001, by_epoch=False, begin=0,
         end=100),
    dict(type='MultiStepLR', by_epoch=False, begin=0, end=max_iters,
         milestones=[800], gamma=0.1)
]
optim_wrapper = dict(optimizer=dict(lr=0.02))
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=50, log_metric_by_epoch=False),
    checkpoint=dict(type='CheckpointHook', by_epoch=False,
                    interval=max_iters, max_keep_ckpts=1))
log_processor = dict(by_epoch=False)
