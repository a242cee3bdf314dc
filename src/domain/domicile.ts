/**
 * Where the 戸籍の附票記載事項通知 of a person goes (住基法第19条; domain.md §2.2 I-13, §4.1 step 4.4): the 本籍地.
 * A person without a 本籍 (a foreign resident, domain.md §3.1) has no 附票 and gets no notice. The registry keeps the
 * 本籍地's municipality code beside the 本籍 (`domicileMunicipalityCode`); for a record without it the code can be
 * derived only when the 本籍 lies in this city (its text starts with the prefecture and city name), else the notice
 * cannot be addressed and is listed for staff.
 */
export type DomicileTarget =
  { kind: 'none' } | { kind: 'local' } | { kind: 'remote'; municipalityCode: string } | { kind: 'unaddressed' };

export interface OwnTown {
  municipalityCode: string;
  prefectureName: string;
  municipalityName: string;
}

export function domicileTarget(
  p: { registeredDomicile?: string | null; domicileMunicipalityCode?: string | null; isForeignResident?: boolean },
  town: OwnTown,
): DomicileTarget {
  const domicile = p.registeredDomicile?.trim();
  if (p.isForeignResident || !domicile) return { kind: 'none' };
  const code = p.domicileMunicipalityCode ?? (domicile.startsWith(ownPrefix(town)) ? town.municipalityCode : undefined);
  if (!code) return { kind: 'unaddressed' };
  return code === town.municipalityCode ? { kind: 'local' } : { kind: 'remote', municipalityCode: code };
}

const ownPrefix = (town: OwnTown): string => `${town.prefectureName}${town.municipalityName}`;
