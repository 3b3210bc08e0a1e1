import type { FormPage, EServiceForm } from './api/types.gen';
import type { ListPage, ListRow } from './components/FormList';
import type { Status } from './list-search';

export const toListRow = (f: EServiceForm): ListRow => ({
  id: f.id,
  classification: 'User Maintenance CC',
  company: f.company,
  participantId: f.participantId,
  clearingHouse: f.clearingHouse,
  formType: f.formType,
  referenceNumber: f.referenceNumber,
  lastUpdate: f.updatedAt,
  status: f.status as Status,
  dueAt: f.dueAt,
  overdue: f.overdue,
});

export const toListPage = (page: FormPage): ListPage => ({ ...page, items: page.items.map(toListRow) });
