import { Entity, PrimaryColumn, Column } from 'typeorm';

@Entity('company')
export class Company {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 200, unique: true })
  name!: string;
}
