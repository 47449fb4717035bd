# The toy benchmark's instances for stock mmdet (COCO JSON with RLE masks): train on
# `train_ann` (the leaves: IRN's instance pseudo labels or the GT), evaluate on the
# val GT converted by tools/dataset_converters/instance_pngs_to_coco.py.
_base_ = ['mmdet::_base_/datasets/coco_instance.py']
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
val_evaluator = dict(ann_file=data_root + 'val_gt_ins.json')
test_evaluator = val_evaluator
