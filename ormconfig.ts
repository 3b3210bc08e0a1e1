import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './src/config/data-source-options';

/** For the TypeORM CLI (`npm run migration:run`): the same options the service uses. */
export default new DataSource(dataSourceOptions(process.env.DATABASE_URL));
