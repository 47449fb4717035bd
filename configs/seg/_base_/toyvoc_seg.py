# Toy VOC for stock mmseg training: the train split's images with the label
# PNGs of ``train_labels`` as gt_sem_seg (255 = ignore), the val split's GT masks
# for val / test. ``train_labels`` is joined to data_root unless absolute: the
# pipeline passes the pseudo-label dir absolute via --cfg-options
# (train_dataloader.dataset.data_prefix.seg_map_path=...).
dataset_type = 'BaseSegDataset'
data_root = 'data/toy_voc'
train_labels = '../../work_dirs/demo/sem_labels'  # IRN labels of the default work_dir
metainfo = dict(
    classes=('background', 'stripes', 'checks', 'dots', 'rings', 'zigzag'),
    palette=[[0, 0, 0], [128, 0, 0], [0, 128, 0], [128, 128, 0],
             [0, 0, 128], [128, 0, 128]])
crop_size = (128, 128)
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(type='RandomResize', scale=(128, 128), ratio_range=(0.75, 1.5),
         keep_ratio=True),
    dict(type='RandomCrop', crop_size=crop_size, cat_max_ratio=0.9),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs'),
]
# tested at the train crops' base scale (as mmseg's configs; the toy images are
# 160-256 px), scored at the original size: the labels are loaded after the resize
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(128, 128), keep_ratio=True),
    dict(type='LoadAnnotations'),
    dict(type='PackSegInputs'),
]
# `tools/test.py --tta`: mmseg's SegTTAModel over these scales x flip (the train
# crops are 0.75-1.5 x 128 px of images 160-256 px wide, hence scales below 1);
# --cfg-options tta_model.type=mmirn.CRFSegTTAModel adds DeepLab's dense CRF
img_ratios = [0.5, 0.75, 1.0]
tta_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(
        type='TestTimeAug',
        transforms=[
            [dict(type='Resize', scale_factor=r, keep_ratio=True) for r in img_ratios],
            [dict(type='RandomFlip', prob=0., direction='horizontal'),
             dict(type='RandomFlip', prob=1., direction='horizontal')],
            [dict(type='LoadAnnotations')],
            [dict(type='PackSegInputs')],
        ])
]
train_dataloader = dict(
    batch_size=8,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        metainfo=metainfo,
        img_suffix='.jpg',
        seg_map_suffix='.png',
        ann_file='ImageSets/Segmentation/train.txt',
        data_prefix=dict(img_path='JPEGImages', seg_map_path=train_labels),
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=1,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        metainfo=metainfo,
        img_suffix='.jpg',
        seg_map_suffix='.png',
        ann_file='ImageSets/Segmentation/val.txt',
        data_prefix=dict(
            img_path='JPEGImages', seg_map_path='SegmentationClass'),
        pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='IoUMetric', iou_metrics=['mIoU'])
test_evaluator = val_evaluator
