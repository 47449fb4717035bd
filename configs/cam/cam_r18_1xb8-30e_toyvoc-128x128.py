# CPU-sized CAM classifier on the toy benchmark (minutes on 2 cores): the toy ResNet-18
# (configs/_base_/models/cam_r18_toy.py) in small batches (8) on the 30-epoch AdamW
# schedule (configs/_base_/schedules/schedule_30e_adamw_poly.py say why).
_base_ = [
    '../_base_/models/cam_r18_toy.py', '../_base_/datasets/toy_voc_cls.py',
    '../_base_/default_runtime.py', '../_base_/schedules/schedule_30e_adamw_poly.py'
]
data_preprocessor = dict(size=_base_.crop_size)
# CAM files of `tools/test.py` (one .npz per image, PredictionWriterHook). Images with
# a file there are skipped (resuming a killed run): empty it after retraining.
cam_dir = 'work_dirs/{{fileBasenameNoExtension}}/cams'
model = dict(
    data_preprocessor=data_preprocessor, cam_head=dict(num_classes=5))
train_dataloader = dict(batch_size=8)
default_hooks = dict(
    writer=dict(type='PredictionWriterHook', out_dirs=dict(cams=cam_dir)),
    checkpoint=dict(by_epoch=True, interval=10, max_keep_ckpts=1))
randomness = dict(seed=0)
