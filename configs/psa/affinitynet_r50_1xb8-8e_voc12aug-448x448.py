# AffinityNet on ResNet-50 (stride 8), the IRN paper's comparison: PSA's
# recipe on the IRN CAMs (ResNet-50) instead of ResNet-38 ones.
_base_ = ['../_base_/models/affinitynet_r50.py', './_base_/psa_voc12aug-448x448.py']
cam_work_dir = '{{fileDirname}}/../../work_dirs/cam_r50_1xb16-5e_voc12aug-512x512'
model = dict(
    data_preprocessor=dict(size=_base_.crop_size), labeler=_base_.labeler)
train_dataloader = dict(dataset=dict(data_prefix=dict(
    relation_path=cam_work_dir + '/affinity_labels')))
test_dataloader = dict(
    dataset=dict(data_prefix=dict(cam_path=cam_work_dir + '/cams')))
mine_dataloader = dict(
    dataset=dict(data_prefix=dict(cam_path=cam_work_dir + '/cams')))
default_hooks = dict(
    writer=dict(
        out_dirs=dict(sem=cam_work_dir + '/affinitynet_r50_labels')))
