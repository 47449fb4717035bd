# PSA exactly (Ahn and Kwak, CVPR18): AffinityNet on wide ResNet-38, trained
# on affinity labels of the ResNet-38 CAMs (configs/psa/cam_r38_...), then PSA's
# random-walk labels (alpha 16, beta 8, t 256) of the train split.
#
#   train: python tools/train.py configs/psa/psa_r38_1xb8-8e_voc12aug-448x448.py
#   labels + mIoU: python tools/test.py configs/psa/psa_r38_1xb8-8e_voc12aug-448x448.py \
#       work_dirs/psa_r38_1xb8-8e_voc12aug-448x448/epoch_8.pth
_base_ = ['../_base_/models/psa_r38.py', './_base_/psa_voc12aug-448x448.py']
model = dict(
    data_preprocessor=dict(size=_base_.crop_size), labeler=_base_.labeler)
