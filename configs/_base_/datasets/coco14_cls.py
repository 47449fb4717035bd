# MS COCO 2014 with image-level labels (80 classes): train the CAM classifier on
# train2014 (82,783 images, 82,081 with annotations) and infer / score CAMs and
# pseudo labels on train2014 with masks rasterised from the instances JSON; val2014
# (40,504 images) is the held-out split. Layout: data/coco/{train2014,val2014}/ and
# data/coco/annotations/instances_{train2014,val2014}.json. Images without
# annotations are dropped and counted; crowds are 255 (ignored) when scoring.
_base_ = ['./toy_coco_cls.py']
data_root = 'data/coco'
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
train_dataloader = dict(
    batch_size=16,
    num_workers=4,
    dataset=dict(data_root=data_root, pipeline=train_pipeline))
test_dataloader = dict(dataset=dict(data_root=data_root))
# To infer on val2014 instead: --cfg-options
#   test_dataloader.dataset.ann_file=annotations/instances_val2014.json
#   test_dataloader.dataset.data_prefix.img_path=val2014
