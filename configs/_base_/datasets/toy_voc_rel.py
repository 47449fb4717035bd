# The toy benchmark (toy_voc_cls.py) with the relation data of the label-trained
# networks (IRN, AffinityNet). Label mining (tools/mine_labels.py: IRN's relation
# labels, PSA's affinity labels) reads the train split's images and their CAMs;
# training reads the mined labels; the test loop synthesises the labels of the train
# split from its CAMs. The leaves set data_prefix.relation_path and .cam_path to the
# label and CAM folders (pipelines: --cfg-options
# mine_dataloader.dataset.data_prefix.cam_path=DIR) and name the miner.
_base_ = ['./toy_voc_cls.py']
mine_pipeline = [
    dict(type='LoadImageFromFileChecked'),
    dict(type='LoadCAMs'),
]
mine_dataloader = dict(
    dataset=dict(
        type=_base_.dataset_type,
        data_root=_base_.data_root,
        ann_file='ImageSets/Segmentation/train.txt',
        data_prefix=dict(
            img_path='JPEGImages', xml_path='Annotations', cam_path=None),
        pipeline=mine_pipeline))
train_pipeline = [
    dict(type='LoadImageFromFileChecked'),
    dict(
        type='LoadWSSSAnnotations',
        with_seg=False,
        with_ins=False,
        with_relation=True),
    dict(
        type='RandomResize',
        scale=(224, 224),
        ratio_range=(0.7, 1.2),
        keep_ratio=True),
    dict(type='RandomFlip', prob=0.5),
    dict(type='RandomCrop', crop_size=_base_.crop_size),
    dict(type='PackWSSSInputs'),
]
train_dataloader = dict(
    batch_size=8,
    dataset=dict(
        data_prefix=dict(
            img_path='JPEGImages', xml_path='Annotations', relation_path=None),
        pipeline=train_pipeline))
# Label synthesis runs as the test loop over the train split (semantic labels; IRN's
# leaves load the instance masks too).
test_pipeline = [
    dict(type='LoadImageFromFileChecked'),
    dict(type='LoadWSSSAnnotations', with_ins=False, with_relation=False),
    dict(type='LoadCAMs'),
    dict(type='PackWSSSInputs'),
]
test_dataloader = dict(
    dataset=dict(data_prefix=dict(cam_path=None), pipeline=test_pipeline))
