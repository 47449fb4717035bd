# AffinityNet on ResNet-50 (stride 8), the IRN paper's comparison: PSA's
# recipe on the IRN CAMs (ResNet-50) instead of ResNet-38 ones.
_base_ = ['../_base_/models/affinitynet_r50.py', './_base_/psa_voc12aug-448x448.py']
cam_work_dir = '{{fileDirname}}/../../work_dirs/cam_r50_1xb16-5e_voc12aug-512x512'
model = dict(data_preprocessor=dict(size=_base_.crop_size))
train_dataloader = dict(dataset=dict(data_prefix=dict(
    relation_path=cam_work_dir + '/affinity_labels')))
test_evaluator = [
    dict(type='PSALabelMetric', cam_dir=cam_work_dir + '/cams',
         out_dir=cam_work_dir + '/affinitynet_r50_labels',
         sweep_alphas=(4, 8, 16, 24, 32))
]
