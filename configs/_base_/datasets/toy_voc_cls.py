# The toy benchmark (tools/dataset_converters/make_toy_voc.py data/toy_voc): 400 train
# and 100 val images of 160-256 px, five texture classes. Train the CAM classifier on
# train; infer and evaluate CAMs on train (where the later pipeline steps need them).
dataset_type = 'ToyVOCClsDataset'
data_root = 'data/toy_voc'
crop_size = (128, 128)
train_pipeline = [
    dict(type='LoadImageFromFileChecked'),
    # long side uniform in [128, 176]
    dict(
        type='RandomResize',
        scale=(160, 160),
        ratio_range=(0.8, 1.1),
        keep_ratio=True),
    dict(type='RandomFlip', prob=0.5),
    dict(type='RandomCrop', crop_size=crop_size),
    dict(type='PackWSSSInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFileChecked'),
    dict(type='LoadWSSSAnnotations', with_ins=False, with_relation=False),
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
        ann_file='ImageSets/Segmentation/train.txt',
        data_prefix=dict(img_path='JPEGImages', xml_path='Annotations'),
        pipeline=train_pipeline))
test_dataloader = dict(
    batch_size=1,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file='ImageSets/Segmentation/train.txt',
        data_prefix=dict(
            img_path='JPEGImages',
            xml_path='Annotations',
            seg_map_path='SegmentationClass'),
        pipeline=test_pipeline))
test_evaluator = dict(type='CAMMetric')
