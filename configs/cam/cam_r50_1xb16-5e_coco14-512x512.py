# IRN's CAM classifier on COCO 2014 train2014 (80 classes): IRN's VOC
# hyperparameters (ResNet-50, batch 16, 5 epochs, poly lr), CAMs on train2014.
_base_ = [
    '../_base_/models/cam_r50.py', '../_base_/datasets/coco14_cls.py',
    '../_base_/default_runtime.py', '../_base_/schedules/schedule_5e_poly.py'
]
data_preprocessor = dict(size=_base_.crop_size)
cam_dir = 'work_dirs/{{fileBasenameNoExtension}}/cams'
model = dict(
    data_preprocessor=data_preprocessor,
    cam_head=dict(num_classes=80))
test_evaluator = dict(type='CAMMetric')
default_hooks = dict(
    writer=dict(type='PredictionWriterHook', out_dirs=dict(cams=cam_dir)),
    checkpoint=dict(by_epoch=True, interval=1))
