# The toy benchmark in COCO 2014 layout (tools/dataset_converters/make_toy_coco.py
# data/toy_coco): 400 train2014 and 100 val2014 images of 160-256 px, 15 classes.
# Images without annotations are dropped by COCOClsDataset (the count is logged);
# crowd annotations become 255 (ignored) in the rasterised masks and give no
# instance (LoadCOCOInstances); they are never image-level labels (COCOClsDataset's
# gt_label holds the non-crowd classes only; crowd-only images are dropped).
dataset_type = 'COCOClsDataset'
data_root = 'data/toy_coco'
crop_size = (128, 128)
train_pipeline = [
    dict(type='LoadImageFromFileChecked'),
    dict(
        type='RandomResize',
        scale=(160, 160),
        ratio_range=(0.8, 1.1),
        keep_ratio=True),
    dict(type='RandomFlip', prob=0.5),
    dict(type='RandomCrop', crop_size=crop_size),
    dict(type='PackWSSSInputs'),
]
# CAM inference at the original size; masks rasterised from the JSON for scoring.
test_pipeline = [
    dict(type='LoadImageFromFileChecked'),
    dict(type='LoadCOCOInstances', with_seg=True),
    dict(type='PackWSSSInputs'),
]
train_dataloader = dict(
    batch_size=16,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file='annotations/instances_train2014.json',
        data_prefix=dict(img_path='train2014'),
        filter_empty=True,
        pipeline=train_pipeline))
test_dataloader = dict(
    batch_size=1,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file='annotations/instances_train2014.json',
        data_prefix=dict(img_path='train2014'),
        filter_empty=True,
        with_masks=True,
        pipeline=test_pipeline))
test_evaluator = dict(type='CAMMetric')
