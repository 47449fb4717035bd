# AffinityNet on the toy benchmark, CPU-sized (about 2.5 minutes of training on a core).
# What differs from PSA's recipe, and why:
# - Backbone: the toy CAM classifier's ResNet-18 (quarter width, from its checkpoint,
#   trained from scratch: no ImageNet weights). Its stem stays frozen and BN keeps the
#   CAM statistics, as PSA trains ResNet-38.
# - Stride 4, all four levels: the toy images are 160-256 px, PSA's VOC images ~500 px,
#   so at stride 4 the toy maps have as many cells (40-64) as PSA's stride-8 maps and
#   radius 5, beta 8 and t 256 keep their reach. (At stride 8 the 20-32-cell maps blur
#   the small objects: 54 mIoU instead of 66 on 60 images.) The levels keep their
#   width (16..128, PSA reduces 512..4096 to 64..256) and mix into 128 channels.
# - AdamW 1e-3 (10x on the head), 600 iterations: as for the toy CAM net, SGD without
#   momentum (PSA's) learned slowly here: after 300 iterations (stride 8) its mean
#   affinities were 0.77 on positive and 0.22 on negative pairs, AdamW's 0.86 / 0.12.
# - Background power from the CAMs' best threshold (bg_thr, see the labeler).
#
#   affinity labels: python tools/mine_labels.py \
#       configs/psa/affinitynet_r18_1xb8-600i_toyvoc-128x128.py --out-dir work_dirs/cam_r18_1xb8-30e_toyvoc-128x128/affinity_labels
#   train: python tools/train.py configs/psa/affinitynet_r18_1xb8-600i_toyvoc-128x128.py
#   labels + mIoU: python tools/test.py configs/psa/affinitynet_r18_1xb8-600i_toyvoc-128x128.py \
#       work_dirs/affinitynet_r18_1xb8-600i_toyvoc-128x128/iter_600.pth
_base_ = [
    '../_base_/models/affinitynet_r50.py', '../_base_/datasets/toy_voc_rel.py',
    '../_base_/default_runtime.py'
]
work_root = '{{fileDirname}}/../../work_dirs'
cam_work_dir = work_root + '/cam_r18_1xb8-30e_toyvoc-128x128'
cam_checkpoint = cam_work_dir + '/epoch_30.pth'
cam_dir = cam_work_dir + '/cams'
affinity_label_dir = cam_work_dir + '/affinity_labels'
out_dir = work_root + '/{{fileBasenameNoExtension}}'

crop_size = (128, 128)
stride = 4
max_iters = 600
model = dict(
    data_preprocessor=dict(size=crop_size),
    backbone=dict(
        depth=18,
        stem_channels=16,
        base_channels=16,
        out_indices=(0, 1, 2, 3),
        strides=(1, 2, 2, 1),
        dilations=(1, 1, 1, 1),
        norm_cfg=dict(type='BN', requires_grad=False),
        norm_eval=True,
        frozen_stages=0,
        init_cfg=dict(
            type='Pretrained', checkpoint=cam_checkpoint, prefix='backbone.')),
    decode_head=dict(
        in_channels=(16, 32, 64, 128),
        reduce_channels=(16, 32, 64, 128),
        channels=128),
    test_cfg=dict(stride=stride),
    # PSA's labels (stride and radius from pred_affinity's metainfo). Alpha 16 is a
    # background threshold of 0.12 on the max CAM, near where VOC CAMs peak (0.15);
    # the toy CAMs peak at 0.60: alpha 0.557. The other powers for reference, as the
    # CAMs' threshold sweep: thresholds 0.8, 0.7, 0.6, 0.5, 0.4 and PSA's VOC 4, 16
    labeler=dict(
        type='PSALabeler',
        source='affinity',
        bg_thr=0.6,
        beta=8,
        num_iters=256,
        sweep_alphas=(0.14, 0.3, 0.56, 1, 1.8, 4, 16)))

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

# Affinity labels of the train split (tools/mine_labels.py): IRN's toy confident
# areas 0.7 / 0.3 as thresholds of the max CAM (alpha 0.30 / 3.4), PSA's CRF.
mine_dataloader = dict(dataset=dict(data_prefix=dict(cam_path=cam_dir)))
miner = dict(type='AffinityLabelMiner', fg_thr=0.7, bg_thr=0.3)

# Label synthesis runs as the test loop over the train split.
test_pipeline = [
    dict(type='LoadImageFromFileChecked'),
    dict(type='LoadWSSSAnnotations', with_ins=False, with_relation=False),
    dict(type='LoadCAMs'),
    dict(type='PackWSSSInputs'),
]
test_dataloader = dict(
    dataset=dict(
        data_prefix=dict(
            img_path='JPEGImages',
            xml_path='Annotations',
            seg_map_path='SegmentationClass',
            cam_path=cam_dir),
        pipeline=test_pipeline))
test_evaluator = [
    dict(type='IoUMetric', prefix='psa'),
    dict(type='SweepIoUMetric', prefix='psa'),
]

optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=1e-3, weight_decay=1e-4),
    paramwise_cfg=dict(custom_keys={'decode_head': dict(lr_mult=10.0)}))
param_scheduler = [
    dict(
        type='PolyLR',
        eta_min=0.0,
        power=0.9,
        begin=0,
        end=max_iters,
        by_epoch=False)
]
train_cfg = dict(
    type='IterBasedTrainLoop', max_iters=max_iters, val_interval=100000)
val_cfg = None
val_dataloader = None
val_evaluator = None
test_cfg = dict(type='TestLoop')
default_hooks = dict(
    writer=dict(
        type='PredictionWriterHook',
        out_dirs=dict(sem=out_dir + '/psa_labels')),
    logger=dict(type='LoggerHook', interval=10, log_metric_by_epoch=False),
    checkpoint=dict(type='AtomicCheckpointHook', by_epoch=False, interval=max_iters))
randomness = dict(seed=0)
