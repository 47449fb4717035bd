# IRN's CAM classifier on VOC 2012 train_aug, the paper setting (CAM mIoU 48.3 on train).
_base_ = [
    '../_base_/models/cam_r50.py', '../_base_/datasets/voc12_cls.py',
    '../_base_/default_runtime.py', '../_base_/schedules/schedule_5e_poly.py'
]
data_preprocessor = dict(size=_base_.crop_size)
# CAM files of `tools/test.py` (one .npz per image); finished images are skipped
cam_dir = 'work_dirs/{{fileBasenameNoExtension}}/cams'
model = dict(data_preprocessor=data_preprocessor)
default_hooks = dict(
    writer=dict(type='PredictionWriterHook', out_dirs=dict(cams=cam_dir)),
    checkpoint=dict(by_epoch=True, interval=1))
