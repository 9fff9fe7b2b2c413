// Registering a person through the people API.
import assert from 'node:assert/strict';
import { api } from './http.mjs';

// Creates a person (201 expected) with a Latin and an Arabic name made of `tag` (lower-case
// letters a-p, unique to the caller); `fields` overrides any field of the body. Returns the
// created person.
export async function createPerson(token, tag, fields = {}) {
  const arabic = [...tag].map((c) => 'بتثجحخدذرزسشصضطظ'[c.charCodeAt(0) - 97] ?? '').join('');
  const r = await api('POST', '/api/v1/people', token, {
    first_name_lat: `Salma${tag}`, last_name_lat: `Alaoui${tag}`,
    first_name_ar: `سلمى${arabic}`, last_name_ar: 'العلوي',
    sex: 'F', birth_date: '2012-03-04', birth_date_precision: 'exact', province: 'MA-CAS',
    target_groups: ['children_without_family'], consent: { given: true }, confirm_new: true,
    ...fields,
  });
  assert.equal(r.status, 201, r.where);
  return r.body;
}
