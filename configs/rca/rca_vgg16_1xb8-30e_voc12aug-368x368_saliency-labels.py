# RCA's released labels on VOC 2012 train: the test run of the RCA classifier labels
# each image with SaliencyCAMLabeler (background from an off-the-shelf saliency map,
# classes from the predicted CAMs, conflicts ignored as 255, dense CRF) and writes
# them to sem_labels/. Needs one grey saliency PNG per image, 0-255, of the image's
# size, at <data_root>/saliency_map/<id>.png (the released code used maps of an
# off-the-shelf salient object detector); mmirn ships none, and without this config
# (the default) nothing reads saliency. The same two switches work on any CAM config:
#   model.labeler=dict(type='SaliencyCAMLabeler', cam_field='pred_cams')
#   test_dataloader.dataset.data_prefix.saliency_path=<folder>
# (stored CAMs instead: cam_field='cams' with LoadCAMs and data_prefix.cam_path).
# PackWSSSInputs keeps saliency_path in the metainfo, where the labeller reads the
# map; LoadSaliency in the pipeline would pack the map itself (checked, and moved by
# geometric transforms).
_base_ = ['./rca_vgg16_1xb8-30e_voc12aug-368x368.py']
model = dict(labeler=dict(type='SaliencyCAMLabeler', cam_field='pred_cams'))
test_dataloader = dict(
    dataset=dict(
        data_prefix=dict(saliency_path='saliency_map')))
test_evaluator = [dict(type='CAMMetric'), dict(type='IoUMetric', prefix='sem')]
default_hooks = dict(
    writer=dict(
        out_dirs=dict(
            cams='work_dirs/{{fileBasenameNoExtension}}/cams',
            sem='work_dirs/{{fileBasenameNoExtension}}/sem_labels')))
