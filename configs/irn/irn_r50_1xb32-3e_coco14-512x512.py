# IRNet on COCO 2014 (80 classes): the VOC recipe of irn_r50_1xb32-3e_voc12aug-512x512.py
# (IRN's hyperparameters and released-code choices) on COCOClsDataset. It trains on the
# relation labels mined from the train2014 CAMs of cam_r50_1xb16-5e_coco14-512x512.py;
# its test run writes the semantic and instance labels of train2014 and scores them
# against the masks rasterised from the JSON (crowds ignored): mIoU, AP50 / AP70, COCO
# mask AP. Images without a non-crowd annotation are dropped (and counted in the log).
#
#   python tools/mine_labels.py configs/irn/irn_r50_1xb32-3e_coco14-512x512.py \
#       --out-dir work_dirs/cam_r50_1xb16-5e_coco14-512x512/relations
#   python tools/train.py configs/irn/irn_r50_1xb32-3e_coco14-512x512.py
#   python tools/test.py configs/irn/irn_r50_1xb32-3e_coco14-512x512.py \
#       work_dirs/irn_r50_1xb32-3e_coco14-512x512/epoch_3.pth
# Not run here (no COCO download, no GPU).
_base_ = ['./irn_r50_1xb32-3e_voc12aug-512x512.py']
work_root = '{{fileDirname}}/../../work_dirs'
cam_work_dir = work_root + '/cam_r50_1xb16-5e_coco14-512x512'
cam_checkpoint = cam_work_dir + '/epoch_5.pth'
cam_dir = cam_work_dir + '/cams'
relation_dir = cam_work_dir + '/relations'
out_dir = work_root + '/{{fileBasenameNoExtension}}'

data_root = 'data/coco'
_train2014 = dict(
    type='COCOClsDataset',
    data_root=data_root,
    ann_file='annotations/instances_train2014.json',
    filter_empty=True)
model = dict(
    backbone=dict(
        init_cfg=dict(
            type='Pretrained', checkpoint=cam_checkpoint, prefix='backbone.')))
train_dataloader = dict(
    dataset=dict(
        _delete_=True,
        data_prefix=dict(img_path='train2014', relation_path=relation_dir),
        pipeline={{_base_.train_pipeline}},
        **_train2014))
mine_dataloader = dict(
    dataset=dict(
        _delete_=True,
        data_prefix=dict(img_path='train2014', cam_path=cam_dir),
        pipeline={{_base_.mine_pipeline}},
        **_train2014))
test_pipeline = [
    dict(type='LoadImageFromFileChecked'),
    dict(type='LoadCOCOInstances', with_seg=True),
    dict(type='LoadCAMs'),
    dict(type='PackWSSSInputs'),
]
test_dataloader = dict(
    dataset=dict(
        _delete_=True,
        data_prefix=dict(img_path='train2014', cam_path=cam_dir),
        with_masks=True,
        pipeline=test_pipeline,
        **_train2014))
default_hooks = dict(
    writer=dict(
        out_dirs=dict(sem=out_dir + '/sem_labels', ins=out_dir + '/ins_labels')))
