// Which vocabulary each closed-choice device field offers. Every list includes "Unknown" where
// the domain allows it, because not knowing is a legal (and reported) answer.
import type { Vocabularies } from './bindings';
import type { FieldKey } from './deviceFields';

export interface Choice {
  value: string;
  label: string;
}

export function choicesForField(key: FieldKey, vocab: Vocabularies): Choice[] {
  switch (key) {
    case 'category':
      return vocab.category;
    case 'fda_class':
      return vocab.fda_class;
    case 'patch_status':
      return vocab.patch_status;
    case 'clinical_function':
      return vocab.clinical_function;
    case 'handles_phi':
    case 'default_credentials_changed':
    case 'encryption_in_transit':
    case 'encryption_at_rest':
    case 'monitoring_coverage':
      return vocab.tri_state;
    case 'authentication':
      return vocab.authentication;
    case 'remote_vendor_access':
      return vocab.remote_access;
    case 'vendor_support':
      return vocab.vendor_support;
    case 'status':
      return vocab.device_status;
    default:
      return [];
  }
}
