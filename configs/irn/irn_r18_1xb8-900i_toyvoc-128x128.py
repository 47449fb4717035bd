# IRNet on the toy benchmark, CPU-sized: the toy CAM classifier's quarter-width
# ResNet-18 (configs/cam/cam_r18_1xb8-30e_toyvoc-128x128.py, frozen),
# 900 iterations of batch 8 on 128 x 128 crops of the mined relation labels.
#
#   relation labels: python tools/mine_labels.py \
#       configs/irn/irn_r18_1xb8-900i_toyvoc-128x128.py --out-dir work_dirs/cam_r18_1xb8-30e_toyvoc-128x128/relations
#   train: python tools/train.py configs/irn/irn_r18_1xb8-900i_toyvoc-128x128.py
#   labels + eval: python tools/test.py configs/irn/irn_r18_1xb8-900i_toyvoc-128x128.py \
#       work_dirs/irn_r18_1xb8-900i_toyvoc-128x128/iter_900.pth
#
# The test run labels the train split in the model (model.labeler), writes the semantic
# labels (sem_labels/) and instance labels (ins_labels/ and ins_labels.json, COCO
# format; default_hooks.writer) and scores them: mIoU (mmseg's IoUMetric), AP50 / AP70
# (VOCInstanceMetric) and COCO mask AP (mmdet's CocoMetric), plus the instance ablation
# (ins_cam/*, ins_cam_boundary/*).
_base_ = [
    '../_base_/models/irn_r18_toy.py', '../_base_/datasets/toy_voc_rel.py',
    '../_base_/default_runtime.py', '../_base_/schedules/schedule_900i_poly.py'
]
# Outputs of the CAM steps and of this one; absolute, as the dataset joins relative
# prefixes with its data_root; pipelines override them with --cfg-options.
work_root = '{{fileDirname}}/../../work_dirs'
cam_work_dir = work_root + '/cam_r18_1xb8-30e_toyvoc-128x128'
cam_checkpoint = cam_work_dir + '/epoch_30.pth'
cam_dir = cam_work_dir + '/cams'
relation_dir = cam_work_dir + '/relations'
out_dir = work_root + '/{{fileBasenameNoExtension}}'

model = dict(
    data_preprocessor=dict(size=_base_.crop_size),
    backbone=dict(
        init_cfg=dict(
            type='Pretrained', checkpoint=cam_checkpoint, prefix='backbone.')))
train_dataloader = dict(
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(data_prefix=dict(relation_path=relation_dir)))
# The instance masks too (IRN's labels are semantic and instance)
test_pipeline = [
    dict(type='LoadImageFromFileChecked'),
    dict(type='LoadWSSSAnnotations', with_relation=False),
    dict(type='LoadCAMs'),
    dict(type='PackWSSSInputs'),
]
test_dataloader = dict(
    dataset=dict(
        data_prefix=dict(ins_map_path='SegmentationObject', cam_path=cam_dir),
        pipeline=test_pipeline))
# Relation labels of the train split (tools/mine_labels.py): the toy CAMs' confident
# areas 0.7 / 0.3 (see configs/pipelines/irn_toy.py), IRN's CRF.
mine_dataloader = dict(dataset=dict(data_prefix=dict(cam_path=cam_dir)))
miner = dict(
    type='RelationMiner', fg_thr=0.7, bg_thr=0.3, crf_cfg=dict(num_iters=10))
test_evaluator = [
    dict(type='IoUMetric', prefix='sem'),
    dict(type='VOCInstanceMetric', prefix='ins'),
    dict(type='CocoMaskMetric', prefix='coco'),
    dict(type='VOCInstanceMetric', pred_key='pred_instances_cam',
         prefix='ins_cam'),
    dict(type='VOCInstanceMetric', pred_key='pred_instances_cam_boundary',
         prefix='ins_cam_boundary'),
]
default_hooks = dict(
    writer=dict(
        type='PredictionWriterHook',
        out_dirs=dict(sem=out_dir + '/sem_labels', ins=out_dir + '/ins_labels')),
    logger=dict(type='LoggerHook', interval=10, log_metric_by_epoch=False),
    checkpoint=dict(type='AtomicCheckpointHook', by_epoch=False, interval=900))
custom_hooks = [dict(type='DisplacementMeanHook')]
randomness = dict(seed=0)
