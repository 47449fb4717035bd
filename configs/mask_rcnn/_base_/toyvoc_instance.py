# The toy benchmark's instances for stock mmdet (COCO JSON with RLE masks): train on
# `train_ann` (the leaves: IRN's instance pseudo labels or the GT), evaluate on the
# val GT converted by tools/dataset_converters/instance_pngs_to_coco.py.
_base_ = ['mmdet::_base_/datasets/coco_instance.py']
custom_imports = dict(imports=['mmirn.evaluation'], allow_failed_imports=False)
data_root = 'data/toy_voc/'
classes = ('stripes', 'checks', 'dots', 'rings', 'zigzag')
metainfo = dict(classes=classes)
train_ann = '../../work_dirs/demo/ins_labels.json'  # relative to data_root
img_scale = (128, 128)
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations', with_bbox=True, with_mask=True),
    dict(type='Resize', scale=img_scale, keep_ratio=True),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackDetInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=img_scale, keep_ratio=True),
    dict(type='LoadAnnotations', with_bbox=True, with_mask=True),
    dict(type='PackDetInputs',
         meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape',
                    'scale_factor')),
]
train_dataloader = dict(
    batch_size=4,
    num_workers=2,
    dataset=dict(
        data_root=data_root,
        metainfo=metainfo,
        ann_file=train_ann,
        data_prefix=dict(img='JPEGImages/'),
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=1,
    num_workers=2,
    dataset=dict(
        data_root=data_root,
        metainfo=metainfo,
        ann_file='val_gt_ins.json',
        data_prefix=dict(img='JPEGImages/'),
        pipeline=test_pipeline))
test_dataloader = val_dataloader
# mmdet's COCO AP (bbox, segm) and IRN's VOC-style mask AP50 / AP70 (mmirn's metric,
# also registered in mmdet's registry: ``ins/ap50``,
# ``ins/ap70``; mmdet's classes have no background entry)
val_evaluator = [
    dict(type='CocoMetric', ann_file=data_root + 'val_gt_ins.json',
         metric=['bbox', 'segm']),
    dict(type='VOCInstanceMetric', background=False),
]
test_evaluator = val_evaluator
