import { Injectable } from '@nestjs/common';
import { Caller } from '../auth/caller';
import { Clock } from '../common/clock';
import { DisplayNames, readsHkexChecks } from './display-names';
import { EServiceForm } from './eservice-form.entity';
import { FormView, toFormView } from './form-view';

/** The forms as a reader sees them (SPEC §5, §13): names and companies resolved, HKEX's own checks for HKEX only. */
@Injectable()
export class FormViews {
  constructor(
    private readonly names: DisplayNames,
    private readonly clock: Clock,
  ) {}

  async of(form: EServiceForm, reader: Caller): Promise<FormView> {
    return (await this.ofAll([form], reader))[0];
  }

  /** The forms as this reader sees them: HKEX's staff as "HKEX" and no HKEX checks for participants. */
  async ofAll(forms: EServiceForm[], reader: Caller): Promise<FormView[]> {
    const people: string[] = [];
    for (const f of forms)
      for (const id of [f.createdById, f.submittedById, f.claimedById, f.completionRequestedById])
        if (id) people.push(id);
    const [personOf, companies] = await Promise.all([
      this.names.shownTo(reader.kind, people),
      this.names.companyNames(forms.map((f) => f.companyId)),
    ]);
    const seesHkexChecks = readsHkexChecks(reader.kind);
    const now = this.clock.now();
    return forms.map((f) => toFormView(f, companies.get(f.companyId) ?? '', { personOf, seesHkexChecks, now }));
  }
}
