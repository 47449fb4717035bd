# Stock mmdet Mask R-CNN (ResNet-18 FPN from scratch, CPU-sized) on the toy IRN
# instance pseudo labels (COCO JSON with RLE masks), evaluated on val GT
# converted by tools/dataset_converters/instance_pngs_to_coco.py with mmdet's
# CocoMetric and IRN's VOC-style mask AP50 / AP70 (mmirn's VOCInstanceMetric).
# Twin: ..._gt.py (train split GT instances).
# Toy departures from mmdet's R50 recipe, for 2 CPU cores without pretrained
# weights: a quarter-width ResNet-18 (16 stem / base channels, as the toy CAM
# classifier), 64-channel FPN / RPN / RoI heads, a 256-d box head, fewer proposals
# and RoIs (300 after NMS, 128 sampled), anchors of 16 px at stride 4 (the toy
# objects are ~24 px at 128 px), AdamW 1e-3. The full-width R18 with mmdet's heads
# ran at 10-13 s/iter here; this one at ~0.25 s/iter.
_base_ = [
    'mmdet::_base_/models/mask-rcnn_r50_fpn.py', './_base_/toyvoc_instance.py',
    'mmdet::_base_/schedules/schedule_1x.py', 'mmdet::_base_/default_runtime.py'
]
channels = 64
model = dict(
    backbone=dict(
        depth=18,
        stem_channels=16,
        base_channels=16,
        init_cfg=None,
        norm_cfg=dict(type='BN')),
    neck=dict(in_channels=[16, 32, 64, 128], out_channels=channels),
    rpn_head=dict(
        in_channels=channels,
        feat_channels=channels,
        anchor_generator=dict(scales=[4])),
    roi_head=dict(
        bbox_roi_extractor=dict(out_channels=channels),
        bbox_head=dict(
            in_channels=channels,
            fc_out_channels=256,
            num_classes=len(_base_.classes)),
        mask_roi_extractor=dict(out_channels=channels),
        mask_head=dict(
            in_channels=channels,
            conv_out_channels=channels,
            num_classes=len(_base_.classes))),
    train_cfg=dict(
        rpn_proposal=dict(nms_pre=1000, max_per_img=300),
        rcnn=dict(sampler=dict(num=128))),
    test_cfg=dict(rpn=dict(nms_pre=300, max_per_img=300)))
optim_wrapper = dict(
    optimizer=dict(_delete_=True, type='AdamW', lr=1e-3, weight_decay=1e-4))
max_iters = 2000
train_cfg = dict(_delete_=True, type='IterBasedTrainLoop', max_iters=max_iters,
                 val_interval=max_iters)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0, end=100),
    dict(type='MultiStepLR', by_epoch=False, begin=0, end=max_iters,
         milestones=[1600], gamma=0.1)
]
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=50, log_metric_by_epoch=False),
    checkpoint=dict(type='CheckpointHook', by_epoch=False,
                    interval=500, max_keep_ckpts=1))
log_processor = dict(by_epoch=False)
