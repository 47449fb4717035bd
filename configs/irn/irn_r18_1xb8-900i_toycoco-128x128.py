# IRNet on the COCO-layout toy benchmark (15 classes), CPU-sized: the VOC toy IRN
# recipe (configs/irn/irn_r18_1xb8-900i_toyvoc-128x128.py) on COCOClsDataset. It
# trains on the relation labels mined from the CAMs of
# configs/cam/cam_r18_1xb8-30e_toycoco-128x128.py; its test run writes the semantic
# and instance labels of train2014 and scores them against the masks rasterised
# from the JSON (crowds ignored): mIoU, AP50 / AP70 and COCO mask AP (pycocotools).
#
#   python tools/mine_labels.py configs/irn/irn_r18_1xb8-900i_toycoco-128x128.py \
#       --out-dir work_dirs/cam_r18_1xb8-30e_toycoco-128x128/relations
#   python tools/train.py configs/irn/irn_r18_1xb8-900i_toycoco-128x128.py
#   python tools/test.py configs/irn/irn_r18_1xb8-900i_toycoco-128x128.py \
#       work_dirs/irn_r18_1xb8-900i_toycoco-128x128/iter_900.pth
_base_ = ['./irn_r18_1xb8-900i_toyvoc-128x128.py']
work_root = '{{fileDirname}}/../../work_dirs'
cam_work_dir = work_root + '/cam_r18_1xb8-30e_toycoco-128x128'
cam_checkpoint = cam_work_dir + '/epoch_30.pth'
cam_dir = cam_work_dir + '/cams'
relation_dir = cam_work_dir + '/relations'
out_dir = work_root + '/{{fileBasenameNoExtension}}'

data_root = 'data/toy_coco'
model = dict(
    backbone=dict(
        init_cfg=dict(
            type='Pretrained', checkpoint=cam_checkpoint, prefix='backbone.')))
train_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='COCOClsDataset',
        data_root=data_root,
        ann_file='annotations/instances_train2014.json',
        data_prefix=dict(img_path='train2014', relation_path=relation_dir),
        filter_empty=True,
        pipeline={{_base_.train_pipeline}}))
# Relation labels of train2014 (tools/mine_labels.py; the toy VOC miner)
mine_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='COCOClsDataset',
        data_root=data_root,
        ann_file='annotations/instances_train2014.json',
        data_prefix=dict(img_path='train2014', cam_path=cam_dir),
        filter_empty=True,
        pipeline={{_base_.mine_pipeline}}))
# Label synthesis runs as the test loop over train2014, with the masks of the JSON.
test_pipeline = [
    dict(type='LoadImageFromFileChecked'),
    dict(type='LoadCOCOInstances', with_seg=True),
    dict(type='LoadCAMs'),
    dict(type='PackWSSSInputs'),
]
test_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='COCOClsDataset',
        data_root=data_root,
        ann_file='annotations/instances_train2014.json',
        data_prefix=dict(img_path='train2014', cam_path=cam_dir),
        filter_empty=True,
        with_masks=True,
        pipeline=test_pipeline))
default_hooks = dict(
    writer=dict(
        type='PredictionWriterHook',
        out_dirs=dict(sem=out_dir + '/sem_labels', ins=out_dir + '/ins_labels')))
