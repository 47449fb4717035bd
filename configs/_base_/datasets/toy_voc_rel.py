# The toy benchmark (toy_voc_cls.py) with the data that label mining reads
# (tools/mine_labels.py: IRN's relation labels, PSA's affinity labels): the train
# split's images and their CAMs. The leaves set data_prefix.cam_path to the CAM
# folder (pipelines: --cfg-options mine_dataloader.dataset.data_prefix.cam_path=DIR)
# and name the miner.
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
