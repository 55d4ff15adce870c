-- Search lists the merchants whose name holds its text (docs/search.md): each
-- document carries the name its merchant shows, as approved, written with it
-- (CampaignSearch::Index, and again when the merchant is renamed). The
-- documents already written take the name their merchant shows now.
ALTER TABLE campaign_search ADD COLUMN merchant_name VARCHAR(255) NOT NULL DEFAULT '' AFTER merchant_id;
UPDATE campaign_search s JOIN merchants m ON m.id = s.merchant_id SET s.merchant_name = m.display_name;
