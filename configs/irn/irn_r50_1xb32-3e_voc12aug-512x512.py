# IRNet as in the paper on PASCAL VOC 2012: ResNet-50 from the CAM classifier (frozen),
# relation labels mined on train_aug (radius 10), crop 512, rescale (0.5, 1.5), flip,
# batch 32, 3 epochs, SGD lr 0.1 (10x on the displacement branch), wd 1e-4, poly.
# The test run synthesises the semantic and instance labels of the train split (set
# test_dataloader.dataset.ann_file to train_aug.txt for DeepLab training labels).
_base_ = [
    '../_base_/models/irn_r50.py', '../_base_/datasets/voc12_cls.py',
    '../_base_/default_runtime.py'
]
work_root = '{{fileDirname}}/../../work_dirs'
cam_work_dir = work_root + '/cam_r50_1xb16-5e_voc12aug-512x512'
cam_checkpoint = cam_work_dir + '/epoch_5.pth'
cam_dir = cam_work_dir + '/cams'
relation_dir = cam_work_dir + '/relations'
out_dir = work_root + '/{{fileBasenameNoExtension}}'

crop_size = (512, 512)
model = dict(
    data_preprocessor=dict(size=crop_size),
    backbone=dict(
        init_cfg=dict(
            type='Pretrained', checkpoint=cam_checkpoint, prefix='backbone.')))

train_pipeline = [
    dict(type='LoadImageFromFileChecked'),
    dict(
        type='LoadWSSSAnnotations',
        with_seg=False,
        with_ins=False,
        with_relation=True),
    # IRN rescales the image by a factor in (0.5, 1.5)
    dict(
        type='RandomResize',
        scale=(500, 500),
        ratio_range=(0.5, 1.5),
        keep_ratio=True),
    dict(type='RandomFlip', prob=0.5),
    dict(type='RandomCrop', crop_size=crop_size),
    dict(type='PackWSSSInputs'),
]
train_dataloader = dict(
    batch_size=32,
    dataset=dict(
        data_prefix=dict(
            img_path='JPEGImages',
            xml_path='Annotations',
            relation_path=relation_dir),
        pipeline=train_pipeline))

test_pipeline = [
    dict(type='LoadImageFromFileChecked'),
    dict(type='LoadWSSSAnnotations', with_relation=False),
    dict(type='LoadCAMs'),
    dict(type='PackWSSSInputs'),
]
test_dataloader = dict(
    dataset=dict(
        data_prefix=dict(
            img_path='JPEGImages',
            xml_path='Annotations',
            seg_map_path='SegmentationClass',
            ins_map_path='SegmentationObject',
            cam_path=cam_dir),
        pipeline=test_pipeline))
test_evaluator = [
    dict(type='LabelIoUMetric', prefix='sem'),
    dict(type='VOCInstanceMetric', prefix='ins'),
    dict(type='CocoMaskMetric', prefix='coco'),
    dict(type='VOCInstanceMetric', pred_key='pred_instances_cam',
         prefix='ins_cam'),
    dict(type='VOCInstanceMetric', pred_key='pred_instances_cam_boundary',
         prefix='ins_cam_boundary'),
]

optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.1, momentum=0.0, weight_decay=1e-4),
    paramwise_cfg=dict(custom_keys={'decode_head.disp_': dict(lr_mult=10.0)}))
param_scheduler = [
    dict(
        type='PolyLR',
        eta_min=0.0,
        power=0.9,
        begin=0,
        end=3,
        by_epoch=True,
        convert_to_iter_based=True)
]
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=3, val_interval=100)
val_cfg = None
val_dataloader = None
val_evaluator = None
test_cfg = dict(type='TestLoop')
default_hooks = dict(
    writer=dict(
        type='PredictionWriterHook',
        out_dirs=dict(sem=out_dir + '/sem_labels', ins=out_dir + '/ins_labels')),
    logger=dict(type='LoggerHook', interval=50, log_metric_by_epoch=False),
    checkpoint=dict(type='AtomicCheckpointHook', by_epoch=True, interval=1))
custom_hooks = [dict(type='DisplacementMeanHook')]
