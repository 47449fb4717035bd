# PSA's CAM network (CVPR18) on PASCAL VOC 2012 train_aug: wide ResNet-38, crop
# 448 (long side resized to [448, 768]), flip, batch 8, 15 epochs, SGD lr 0.01
# (10x on the classifier) without momentum, wd 5e-4, poly 0.9. The test run
# writes multi-scale + flip CAMs of the train split for the affinity labels.
_base_ = [
    '../_base_/models/psa_cam_r38.py', '../_base_/datasets/voc12_cls.py',
    '../_base_/default_runtime.py'
]
crop_size = (448, 448)
cam_dir = '{{fileDirname}}/../../work_dirs/{{fileBasenameNoExtension}}/cams'
model = dict(data_preprocessor=dict(size=crop_size))
train_pipeline = [
    dict(type='LoadImageFromFileChecked'),
    dict(
        type='RandomResize',
        scale=(768, 768),
        ratio_range=(448 / 768, 1.0),
        keep_ratio=True),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PhotoMetricDistortion'),
    dict(type='RandomCrop', crop_size=crop_size),
    dict(type='PackWSSSInputs'),
]
train_dataloader = dict(
    batch_size=8, dataset=dict(pipeline=train_pipeline))
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.01, momentum=0.0, weight_decay=5e-4),
    paramwise_cfg=dict(custom_keys={'cam_head': dict(lr_mult=10.0)}))
param_scheduler = [
    dict(
        type='PolyLR',
        eta_min=0.0,
        power=0.9,
        begin=0,
        end=15,
        by_epoch=True,
        convert_to_iter_based=True)
]
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=15)
val_cfg = None
test_cfg = dict(type='TestLoop')
default_hooks = dict(
    writer=dict(type='PredictionWriterHook', out_dirs=dict(cams=cam_dir)),
    checkpoint=dict(by_epoch=True, interval=1, max_keep_ckpts=1))
