export {
  type DatabaseConfig,
  type DataService,
  type DataServiceInfra,
  type DataServiceOptions,
  databaseSettings,
  startDataService,
} from "./data-service.ts";
