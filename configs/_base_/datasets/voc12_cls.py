# PASCAL VOC 2012 with image-level labels. Train the CAM classifier on train_aug
# (VOC + SBD, 10582 images); infer and evaluate CAMs on train (1464 images with masks).
dataset_type = 'VOCClsDataset'
data_root = 'data/VOCdevkit/VOC2012'
crop_size = (512, 512)
train_pipeline = [
    dict(type='LoadImageFromFileChecked'),
    # long side uniform in [320, 640], as IRN
    dict(
        type='RandomResize',
        scale=(640, 640),
        ratio_range=(0.5, 1.0),
        keep_ratio=True),
    dict(type='RandomFlip', prob=0.5),
    dict(type='RandomCrop', crop_size=crop_size),
    dict(type='PackWSSSInputs'),
]
# CAM inference at the original size; the model does the multi-scale + flip.
test_pipeline = [
    dict(type='LoadImageFromFileChecked'),
    dict(type='LoadWSSSAnnotations', with_ins=False, with_relation=False),
    dict(type='PackWSSSInputs'),
]
train_dataloader = dict(
    batch_size=16,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file='ImageSets/Segmentation/train_aug.txt',
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
