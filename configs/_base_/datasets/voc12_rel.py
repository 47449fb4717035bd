# PASCAL VOC 2012 (voc12_cls.py) with the data that label mining reads
# (tools/mine_labels.py: IRN's relation labels, PSA's affinity labels): the images
# the label-trained networks learn on (train_aug, as IRN and PSA; needs their CAMs)
# and their CAMs. The leaves set data_prefix.cam_path to the CAM folder (pipelines:
# --cfg-options mine_dataloader.dataset.data_prefix.cam_path=DIR) and name the miner.
_base_ = ['./voc12_cls.py']
mine_pipeline = [
    dict(type='LoadImageFromFileChecked'),
    dict(type='LoadCAMs'),
]
mine_dataloader = dict(
    dataset=dict(
        type=_base_.dataset_type,
        data_root=_base_.data_root,
        ann_file='ImageSets/Segmentation/train_aug.txt',
        data_prefix=dict(
            img_path='JPEGImages', xml_path='Annotations', cam_path=None),
        pipeline=mine_pipeline))
