# PSA's AffinityNet recipe on PASCAL VOC 2012, without the model: affinity
# labels mined on train_aug (tools/mine_labels.py with `mine_dataloader` and
# `miner`: alpha 4 / 32 + CRF) from the CAMs of `cam_work_dir`; long side
# resized to [448, 768], colour jitter, flip, crop 448, batch 8, 8 epochs, SGD
# lr 0.1 (10x on the head) without momentum (PSA's PolyOptimizer had none), wd
# 5e-4, poly 0.9. The test loop
# synthesises PSA's labels (alpha 16, beta 8, t 256) on train and scores them.
_base_ = ['../../_base_/datasets/voc12_rel.py', '../../_base_/default_runtime.py']
work_root = '{{fileDirname}}/../../../work_dirs'
cam_work_dir = work_root + '/cam_r38_1xb8-15e_voc12aug-448x448'
cam_dir = cam_work_dir + '/cams'
affinity_label_dir = cam_work_dir + '/affinity_labels'

crop_size = (448, 448)
train_pipeline = [
    dict(type='LoadImageFromFileChecked'),
    dict(
        type='LoadWSSSAnnotations',
        with_seg=False,
        with_ins=False,
        with_relation=True),
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
    batch_size=8,
    dataset=dict(
        data_prefix=dict(relation_path=affinity_label_dir),
        pipeline=train_pipeline))
mine_dataloader = dict(dataset=dict(data_prefix=dict(cam_path=cam_dir)))
miner = dict(type='AffinityLabelMiner', alpha_low=4, alpha_high=32)
test_dataloader = dict(dataset=dict(data_prefix=dict(cam_path=cam_dir)))
# PSA's labels in the model (AffinityNet's affinities walk the background and the
# CAMs); the leaves' models take this labeler
labeler = dict(
    type='PSALabeler',
    source='affinity',
    alpha=16,
    beta=8,
    num_iters=256,
    sweep_alphas=(4, 8, 16, 24, 32))
test_evaluator = [
    dict(type='LabelIoUMetric', prefix='psa'),
    dict(type='SweepIoUMetric', prefix='psa'),
]
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.1, momentum=0.0, weight_decay=5e-4),
    paramwise_cfg=dict(custom_keys={'decode_head': dict(lr_mult=10.0)}))
param_scheduler = [
    dict(
        type='PolyLR',
        eta_min=0.0,
        power=0.9,
        begin=0,
        end=8,
        by_epoch=True,
        convert_to_iter_based=True)
]
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=8)
val_cfg = None
val_dataloader = None
val_evaluator = None
test_cfg = dict(type='TestLoop')
default_hooks = dict(
    writer=dict(
        type='PredictionWriterHook',
        out_dirs=dict(sem=cam_work_dir + '/psa_labels')),
    checkpoint=dict(by_epoch=True, interval=1, max_keep_ckpts=1))
