# AffinityNet on the toy benchmark, CPU-sized (about 2.5 minutes of training on a core).
# What differs from PSA's recipe, and why:
# - Backbone: the toy CAM classifier's ResNet-18 at stride 4 on all four levels
#   (configs/_base_/models/affinitynet_r18_toy.py says why).
# - AdamW 1e-3 (10x on the head), 600 iterations
#   (configs/_base_/schedules/schedule_600i_adamw_poly.py says why).
# - Background power from the CAMs' best threshold (bg_thr, see the labeler).
#
#   affinity labels: python tools/mine_labels.py \
#       configs/psa/affinitynet_r18_1xb8-600i_toyvoc-128x128.py --out-dir work_dirs/cam_r18_1xb8-30e_toyvoc-128x128/affinity_labels
#   train: python tools/train.py configs/psa/affinitynet_r18_1xb8-600i_toyvoc-128x128.py
#   labels + mIoU: python tools/test.py configs/psa/affinitynet_r18_1xb8-600i_toyvoc-128x128.py \
#       work_dirs/affinitynet_r18_1xb8-600i_toyvoc-128x128/iter_600.pth
_base_ = [
    '../_base_/models/affinitynet_r18_toy.py', '../_base_/datasets/toy_voc_rel.py',
    '../_base_/default_runtime.py', '../_base_/schedules/schedule_600i_adamw_poly.py'
]
work_root = '{{fileDirname}}/../../work_dirs'
cam_work_dir = work_root + '/cam_r18_1xb8-30e_toyvoc-128x128'
cam_checkpoint = cam_work_dir + '/epoch_30.pth'
cam_dir = cam_work_dir + '/cams'
affinity_label_dir = cam_work_dir + '/affinity_labels'
out_dir = work_root + '/{{fileBasenameNoExtension}}'

model = dict(
    data_preprocessor=dict(size=_base_.crop_size),
    backbone=dict(
        init_cfg=dict(
            type='Pretrained', checkpoint=cam_checkpoint, prefix='backbone.')),
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
train_dataloader = dict(
    dataset=dict(data_prefix=dict(relation_path=affinity_label_dir)))
# Affinity labels of the train split (tools/mine_labels.py): IRN's toy confident
# areas 0.7 / 0.3 as thresholds of the max CAM (alpha 0.30 / 3.4), PSA's CRF.
mine_dataloader = dict(dataset=dict(data_prefix=dict(cam_path=cam_dir)))
miner = dict(type='AffinityLabelMiner', fg_thr=0.7, bg_thr=0.3)
test_dataloader = dict(dataset=dict(data_prefix=dict(cam_path=cam_dir)))
test_evaluator = [
    dict(type='IoUMetric', prefix='psa'),
    dict(type='SweepIoUMetric', prefix='psa'),
]
default_hooks = dict(
    writer=dict(
        type='PredictionWriterHook',
        out_dirs=dict(sem=out_dir + '/psa_labels')),
    logger=dict(type='LoggerHook', interval=10, log_metric_by_epoch=False),
    checkpoint=dict(
        type='AtomicCheckpointHook', by_epoch=False, interval=_base_.max_iters))
randomness = dict(seed=0)
