# AffinityNet on the toy benchmark, CPU-sized: the toy CAM classifier's ResNet-18
# (quarter width, from its checkpoint; its stride-8 layer2 and stride-16 layer3 /
# layer4 resized to stride 8), trained on PSA's affinity labels, 128 x 128 crops,
# batch 8 x 300 iterations. To fit 2 CPU cores only layer4 and the head train
# (PSA trains the whole backbone: frozen_stages=0).
#
#   affinity labels: python tools/mine_affinity_labels.py data/toy_voc/JPEGImages \
#       work_dirs/cam_r18_1xb8-30e_toyvoc-128x128/cams \
#       work_dirs/cam_r18_1xb8-30e_toyvoc-128x128/affinity_labels
#   train: python tools/train.py configs/psa/affinitynet_r18_1xb8-300i_toyvoc-128x128.py
#   labels + mIoU: python tools/test.py configs/psa/affinitynet_r18_1xb8-300i_toyvoc-128x128.py \
#       work_dirs/affinitynet_r18_1xb8-300i_toyvoc-128x128/iter_300.pth
_base_ = [
    '../_base_/models/affinitynet_r50.py', '../_base_/datasets/toy_voc_cls.py',
    '../_base_/default_runtime.py'
]
work_root = '{{fileDirname}}/../../work_dirs'
cam_work_dir = work_root + '/cam_r18_1xb8-30e_toyvoc-128x128'
cam_checkpoint = cam_work_dir + '/epoch_30.pth'
cam_dir = cam_work_dir + '/cams'
affinity_label_dir = cam_work_dir + '/affinity_labels'
out_dir = work_root + '/{{fileBasenameNoExtension}}'

crop_size = (128, 128)
model = dict(
    data_preprocessor=dict(size=crop_size),
    backbone=dict(
        depth=18,
        stem_channels=16,
        base_channels=16,
        strides=(1, 2, 2, 1),
        dilations=(1, 1, 1, 1),
        norm_cfg=dict(type='BN', requires_grad=False),
        norm_eval=True,
        frozen_stages=3,
        init_cfg=dict(
            type='Pretrained', checkpoint=cam_checkpoint, prefix='backbone.')),
    decode_head=dict(in_channels=(32, 64, 128)))

train_pipeline = [
    dict(type='LoadImageFromFileChecked'),
    dict(
        type='LoadWSSSAnnotations',
        with_seg=False,
        with_ins=False,
        with_relation=True),
    dict(
        type='RandomResize',
        scale=(224, 224),
        ratio_range=(0.7, 1.2),
        keep_ratio=True),
    dict(type='RandomFlip', prob=0.5),
    dict(type='RandomCrop', crop_size=crop_size),
    dict(type='PackWSSSInputs'),
]
train_dataloader = dict(
    batch_size=8,
    dataset=dict(
        data_prefix=dict(
            img_path='JPEGImages',
            xml_path='Annotations',
            relation_path=affinity_label_dir),
        pipeline=train_pipeline))

# Label synthesis runs as the test loop over the train split.
test_dataloader = dict(
    dataset=dict(
        data_prefix=dict(
            img_path='JPEGImages',
            xml_path='Annotations',
            seg_map_path='SegmentationClass')))
test_evaluator = [
    dict(
        type='PSALabelMetric',
        cam_dir=cam_dir,
        out_dir=out_dir + '/psa_labels',
        source='affinity',
        alpha=16,
        beta=8,
        num_iters=256,
        # also score other background powers, as the CAMs' threshold sweep
        sweep_alphas=(4, 8, 16, 24, 32)),
]

# PSA's schedule scaled down: SGD lr 0.1 without momentum (as PSA), 10x on the
# head, wd 5e-4, poly decay.
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.1, momentum=0.0, weight_decay=5e-4),
    paramwise_cfg=dict(custom_keys={'decode_head': dict(lr_mult=10.0)}))
param_scheduler = [
    dict(type='PolyLR', eta_min=0.0, power=0.9, begin=0, end=300, by_epoch=False)
]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=300, val_interval=100000)
val_cfg = None
val_dataloader = None
val_evaluator = None
test_cfg = dict(type='TestLoop')
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=10, log_metric_by_epoch=False),
    checkpoint=dict(type='CheckpointHook', by_epoch=False, interval=300))
randomness = dict(seed=0)
